/*
 * Waiting on files: poll, ppoll, select, pselect6 (and their time64
 * forms), as Linux's fs/select.c.
 *
 * Each kind of file says what it is ready for now (file_ops.poll: POLLIN,
 * POLLOUT, POLLHUP, POLLERR; a kind with no poll op is always ready to be
 * read and written, as Linux's DEFAULT_POLLMASK) and names, through
 * poll_wait, the channels its readers and writers are woken on. A poller
 * scans every file, and if none is ready sleeps with that list
 * (proc->polling): a wakeup of any channel on it wakes the poller, which
 * scans again.
 *
 *   scan --ready--> done
 *     |  nothing ready
 *     +--signal pending----> -ERESTARTNOHAND (EINTR if a handler runs)
 *     +--deadline passed--> 0
 *     +--sleep on the channels, the deadline--> scan
 *
 * A restarted call goes on to the same deadline, as Linux's: poll(2) with
 * a timeout is -ERESTART_RESTARTBLOCK, so that after a stop and continue
 * restart_syscall polls on to the deadline it had (after a handler it is
 * -EINTR, as -ERESTARTNOHAND would be); select, pselect6 and ppoll write
 * the time left back first, so their restart goes on with it.
 */
#include "../proc/proc_internal.h"
#include <pagoda/errno.h>
#include <pagoda/file.h>
#include <pagoda/kmalloc.h>
#include <pagoda/string.h>
#include <pagoda/time.h>
#include <pagoda/timer.h>
#include <pagoda/uaccess.h>

#define POLLIN_SET      (POLLRDNORM | POLLRDBAND | POLLIN | POLLHUP | POLLERR)
#define POLLOUT_SET     (POLLWRBAND | POLLWRNORM | POLLOUT | POLLERR)
#define POLLEX_SET      POLLPRI
#define DEFAULT_POLLMASK (POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM)
#define NEVER           UINT64_MAX      /* a deadline that never comes */

struct pollfd {                 /* Linux's: fd, events, revents */
	int32_t fd;
	int16_t events, revents;
};

void poll_wait(struct poll_table *pt, const void *chan)
{
	if (!pt)
		return;
	for (int i = 0; i < pt->n; i++)
		if (pt->chans[i] == chan)
			return;
	if (pt->n < POLL_CHANNELS)
		pt->chans[pt->n++] = chan;
	else
		pt->overflow = true;
}

bool poll_table_wakes(const struct poll_table *pt, const void *chan)
{
	if (pt->overflow)
		return true;
	for (int i = 0; i < pt->n; i++)
		if (pt->chans[i] == chan)
			return true;
	return false;
}

/* The file at fd for polling: an O_PATH descriptor is none, as Linux's fdget. */
static struct file *poll_file(int fd)
{
	struct file *f = fd_get(proc_current, fd);

	return f && !(f->flags & O_PATH) ? f : NULL;
}

static uint32_t file_poll(struct file *f, struct poll_table *pt)
{
	return f->ops->poll ? f->ops->poll(f, pt) : DEFAULT_POLLMASK;
}

/* Sleep on what the last scan listed, until deadline (NEVER: no limit):
 * -EINTR for a signal, else 0 (scan again; the deadline decides). */
static int poll_sleep(struct poll_table *pt, uint64_t deadline)
{
	struct proc *p = proc_current;
	int r;

	p->polling = pt;
	r = deadline == NEVER ? sleep_on_interruptible(pt) : sleep_on_timeout(pt, deadline);
	p->polling = NULL;
	return r == -EINTR ? -EINTR : 0;
}

/* What poll scans: the pollfds copied in. */
struct pollfds {
	struct pollfd *fds;
	size_t n;
};

/* One scan of the pollfds: how many have revents. */
static long scan_pollfds(void *ctx, struct poll_table *pt)
{
	struct pollfd *fds = ((struct pollfds *)ctx)->fds;
	size_t n = ((struct pollfds *)ctx)->n;
	long ready = 0;

	for (size_t i = 0; i < n; i++) {
		struct file *f;
		uint32_t mask;

		fds[i].revents = 0;
		if (fds[i].fd < 0)
			continue;
		if (!(f = poll_file(fds[i].fd))) {
			mask = POLLNVAL;
		} else {
			mask = file_poll(f, pt);
			mask &= (uint16_t)fds[i].events | POLLERR | POLLHUP;
		}
		fds[i].revents = (int16_t)mask;
		if (mask)
			ready++;
	}
	return ready;
}

/* The loop of the figure above, for poll and select alike (Linux's do_poll
 * and do_select): scan(ctx, pt) is the count ready (or -errno), naming
 * the channels in pt. */
static long wait_ready(long (*scan)(void *ctx, struct poll_table *pt), void *ctx, uint64_t deadline)
{
	/* Not to wait at all (a zero timeout): no channels to name (Linux's
	 * "optimise the no-wait case"). */
	bool wait = deadline == NEVER || !timer_passed(deadline);
	struct poll_table pt;

	for (;;) {
		long ready;

		pt.n = 0;
		pt.overflow = false;
		if ((ready = scan(ctx, wait ? &pt : NULL)))
			return ready;
		if (signal_pending(proc_current))
			return -ERESTARTNOHAND;         /* even with no time: Linux's order */
		if (!wait || (deadline != NEVER && timer_passed(deadline)))
			return 0;
		if (poll_sleep(&pt, deadline))
			return -ERESTARTNOHAND;
	}
}

/* The pollfds in from user memory, polled, and their revents out. */
static long poll_user(vaddr_t ufds, uint32_t nfds, uint64_t deadline)
{
	struct pollfd *fds = NULL;
	size_t bytes = (size_t)nfds * sizeof(*fds);
	long r;

	if (nfds > proc_current->rlimits[RLIMIT_NOFILE][0])
		return -EINVAL;
	if (nfds && !(fds = kmalloc(bytes)))
		return -ENOMEM;
	if (nfds && copyin(fds, ufds, bytes)) {
		r = -EFAULT;
		goto out;
	}
	r = wait_ready(scan_pollfds, &(struct pollfds){ fds, nfds }, deadline);
	for (size_t i = 0; i < nfds; i++)
		if (copyout(ufds + i * sizeof(*fds) + 6, &fds[i].revents, sizeof(fds[i].revents))) {
			r = -EFAULT;
			break;
		}
out:
	kfree(fds);
	return r;
}

/* ---- timeouts ---- */

/* A timespec timeout at u (NULL: none), of either size: its deadline. */
static int timespec_deadline(vaddr_t u, bool time64, uint64_t *deadline)
{
	uint64_t sec, nsec;
	int err;

	*deadline = NEVER;
	if (!u)
		return 0;
	if ((err = timespec_in(u, time64, &sec, &nsec)))
		return err;
	*deadline = timer_deadline(sec, nsec);
	return 0;
}

/* Write the time left back into the timespec at u, as Linux's
 * poll_select_finish does for ppoll and pselect6: the result, except that
 * an interrupted call whose time cannot be written is -EINTR, not
 * restarted with a stale timeout. */
static long timespec_left(vaddr_t u, bool time64, uint64_t deadline, long r)
{
	if (!u || deadline == NEVER)
		return r;
	return timespec_out(u, time64, timer_ns_left(deadline)) && r == -ERESTARTNOHAND ? -EINTR : r;
}

/* ---- the temporary signal mask of ppoll and pselect6 ---- */

int poll_mask_in(vaddr_t umask, uint32_t size, bool *set)
{
	uint64_t mask;

	*set = false;
	if (!umask)
		return 0;
	if (size != sizeof(mask))
		return -EINVAL;
	if (copyin(&mask, umask, sizeof(mask)))
		return -EFAULT;
	signal_wait_mask(mask);
	*set = true;
	return 0;
}

void poll_mask_out(bool set, bool interrupted)
{
	if (set)
		signal_wait_mask_end(interrupted);
}

/* ---- poll and ppoll ---- */

static long poll_restart(struct restart_block *r);

/* poll to a deadline; interrupted, with one, it leaves its restart (Linux's
 * do_restart_poll) in the restart block. */
static long poll_until(vaddr_t ufds, uint32_t nfds, uint64_t deadline)
{
	long r = poll_user(ufds, nfds, deadline);

	if (r != -ERESTARTNOHAND || deadline == NEVER)
		return r;
	proc_current->restart = (struct restart_block){ .fn = poll_restart, .deadline = deadline,
							.uaddr = ufds, .count = nfds };
	return -ERESTART_RESTARTBLOCK;
}

static long poll_restart(struct restart_block *r)
{
	return poll_until(r->uaddr, r->count, r->deadline);
}

SYSCALL(poll)
{
	int32_t ms = (int32_t)a2;

	if (ms < 0)
		return poll_user(a0, a1, NEVER);
	return poll_until(a0, a1, timer_deadline((uint32_t)ms / 1000, (uint64_t)((uint32_t)ms % 1000) * 1000000));
}

static long do_ppoll(uint32_t ufds, uint32_t nfds, uint32_t uts, uint32_t umask, uint32_t size, bool time64)
{
	uint64_t deadline;
	bool masked;
	long r;

	if ((r = timespec_deadline(uts, time64, &deadline)))
		return r;
	if ((r = poll_mask_in(umask, size, &masked)))
		return r;
	r = poll_user(ufds, nfds, deadline);
	poll_mask_out(masked, r == -ERESTARTNOHAND);
	return timespec_left(uts, time64, deadline, r);
}

SYSCALL(ppoll)
{
	return do_ppoll(a0, a1, a2, a3, a4, false);
}

SYSCALL(ppoll_time64)
{
	return do_ppoll(a0, a1, a2, a3, a4, true);
}

/* ---- select ---- */

#define FDSET_WORDS     (FD_MAX / 32)

struct fd_sets {
	uint32_t in[FDSET_WORDS], out[FDSET_WORDS], ex[FDSET_WORDS];
};

/* What select scans: the sets asked, the sets ready, the fds below n. */
struct select_scan {
	struct fd_sets asked, ready;
	int n;
};

static bool fd_isset(const uint32_t *set, int fd)
{
	return set[fd / 32] & (1u << (fd % 32));
}

/* Read the n bits of each set given (the others: empty). */
static int sets_in(struct fd_sets *s, int n, vaddr_t in, vaddr_t out, vaddr_t ex)
{
	size_t bytes = (size_t)(n + 31) / 32 * 4;

	memset(s, 0, sizeof(*s));
	if ((in && copyin(s->in, in, bytes)) || (out && copyin(s->out, out, bytes)) ||
	    (ex && copyin(s->ex, ex, bytes)))
		return -EFAULT;
	/* Bits past n in the last word are not the caller's question. */
	if (n % 32)
		for (int w = n / 32, b = n % 32; b < 32; b++) {
			s->in[w] &= ~(1u << b);
			s->out[w] &= ~(1u << b);
			s->ex[w] &= ~(1u << b);
		}
	return 0;
}

/* One scan: the ready bits, their count; -EBADF for a set fd that is not
 * open. */
static long scan_sets(void *ctx, struct poll_table *pt)
{
	struct select_scan *sc = ctx;
	const struct fd_sets *s = &sc->asked;
	struct fd_sets *res = &sc->ready;
	long ready = 0;

	memset(res, 0, sizeof(*res));
	for (int fd = 0; fd < sc->n; fd++) {
		bool in = fd_isset(s->in, fd), out = fd_isset(s->out, fd), ex = fd_isset(s->ex, fd);
		struct file *f;
		uint32_t mask, bit = 1u << (fd % 32);

		if (!in && !out && !ex)
			continue;
		if (!(f = poll_file(fd)))
			return -EBADF;
		mask = file_poll(f, pt);
		if (in && (mask & POLLIN_SET)) {
			res->in[fd / 32] |= bit;
			ready++;
		}
		if (out && (mask & POLLOUT_SET)) {
			res->out[fd / 32] |= bit;
			ready++;
		}
		if (ex && (mask & POLLEX_SET)) {
			res->ex[fd / 32] |= bit;
			ready++;
		}
	}
	return ready;
}

/* Linux's core_sys_select: the sets in, the wait, the ready sets out. */
static long do_select(int n, vaddr_t in, vaddr_t out, vaddr_t ex, uint64_t deadline)
{
	/* Linux looks no further than its descriptor table, which starts
	 * with room for 32 and grows to 256 once a higher one is used: so
	 * select(1000, ...) with a bad bit at 40 may never see it. */
	int table = proc_current->fd_top <= 32 ? 32 : FD_MAX;
	struct select_scan *sc;
	struct fd_sets *res;
	size_t bytes;
	long r;

	if (n < 0)
		return -EINVAL;
	if (n > table)
		n = table;
	bytes = (size_t)(n + 31) / 32 * 4;
	if (!(sc = kmalloc(sizeof(*sc))))
		return -ENOMEM;
	sc->n = n;
	res = &sc->ready;
	if ((r = sets_in(&sc->asked, n, in, out, ex)))
		goto out;
	r = wait_ready(scan_sets, sc, deadline);
	if (r >= 0 && ((in && copyout(in, res->in, bytes)) || (out && copyout(out, res->out, bytes)) ||
		       (ex && copyout(ex, res->ex, bytes))))
		r = -EFAULT;
out:
	kfree(sc);
	return r;
}

/* select's struct timeval timeout (NULL: none), its time left written back. */
static long select_timeval(int n, vaddr_t in, vaddr_t out, vaddr_t ex, vaddr_t utv)
{
	struct timeval32 tv;
	uint64_t deadline = NEVER, ns;
	long r;

	if (utv) {
		if (copyin(&tv, utv, sizeof(tv)))
			return -EFAULT;
		if (tv.tv_sec < 0 || tv.tv_usec < 0)
			return -EINVAL;
		/* Linux takes microseconds past a second too: they carry. */
		ns = (uint64_t)tv.tv_usec * NSEC_PER_USEC;
		deadline = timer_deadline((uint64_t)tv.tv_sec + ns / NSEC_PER_SEC, ns % NSEC_PER_SEC);
	}
	r = do_select(n, in, out, ex, deadline);
	if (utv) {
		tv = timeval_from_ns(timer_ns_left(deadline));
		if (copyout(utv, &tv, sizeof(tv)) && r == -ERESTARTNOHAND)
			r = -EINTR;     /* as timespec_left */
	}
	return r;
}

SYSCALL(_newselect)
{
	return select_timeval((int32_t)a0, a1, a2, a3, a4);
}

/* The first select of i386 (number 82): one pointer to its five arguments. */
SYSCALL(select)
{
	uint32_t args[5];

	if (copyin(args, a0, sizeof(args)))
		return -EFAULT;
	return select_timeval((int32_t)args[0], args[1], args[2], args[3], args[4]);
}

/* pselect6's sixth argument points at { sigset pointer, its size }. */
static long do_pselect(uint32_t n, uint32_t in, uint32_t out, uint32_t ex, uint32_t uts, uint32_t usig,
		       bool time64)
{
	uint32_t sig[2] = { 0, 0 };
	uint64_t deadline;
	bool masked;
	long r;

	if ((r = timespec_deadline(uts, time64, &deadline)))
		return r;
	if (usig && copyin(sig, usig, sizeof(sig)))
		return -EFAULT;
	if ((r = poll_mask_in(sig[0], sig[1], &masked)))
		return r;
	r = do_select((int32_t)n, in, out, ex, deadline);
	poll_mask_out(masked, r == -ERESTARTNOHAND);
	return timespec_left(uts, time64, deadline, r);
}

SYSCALL(pselect6)
{
	return do_pselect(a0, a1, a2, a3, a4, a5, false);
}

SYSCALL(pselect6_time64)
{
	return do_pselect(a0, a1, a2, a3, a4, a5, true);
}
