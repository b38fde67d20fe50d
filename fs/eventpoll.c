/*
 * epoll, as Linux's fs/eventpoll.c: an epoll file holds items, each a
 * watched (file, descriptor) pair with the events asked for, and a ready
 * list of the items that may have something to report.
 *
 * An item goes on the ready list when it is added or modified while its
 * file is ready, and whenever a channel its file's poll op named is woken
 * (eventpoll_wakeup, called by every wakeup: Linux's ep_poll_callback).
 * epoll_wait takes the list, polls each item's file again, and reports
 * those with events; then:
 *
 *   reported --level-triggered-----> back on the list (reported again
 *      |                             while it stays ready)
 *      +------EPOLLET---------------> off it until the next wakeup
 *      +------EPOLLONESHOT----------> off it, and disabled until EPOLL_CTL_MOD
 *   not ready ----------------------> off it
 *
 * An item belongs to its file, not to the descriptor: it stays while the
 * file is open anywhere, and goes when its last reference does
 * (eventpoll_release). An epoll file can be watched itself (readable
 * while an item of its own is); a loop, or a chain deeper than
 * EP_MAX_NESTS, is -ELOOP.
 */
#include "../proc/proc_internal.h"
#include <pagoda/errno.h>
#include <pagoda/file.h>
#include <pagoda/kmalloc.h>
#include <pagoda/string.h>
#include <pagoda/timer.h>
#include <pagoda/uaccess.h>
#include <pagoda/vfs.h>

#define EPOLL_CTL_ADD   1
#define EPOLL_CTL_DEL   2
#define EPOLL_CTL_MOD   3
#define EPOLLEXCLUSIVE  (1u << 28)
#define EPOLLWAKEUP     (1u << 29)
#define EPOLLONESHOT    (1u << 30)
#define EPOLLET         (1u << 31)
#define EP_PRIVATE_BITS (EPOLLWAKEUP | EPOLLONESHOT | EPOLLET | EPOLLEXCLUSIVE)
#define EPOLLEXCLUSIVE_OK_BITS (POLLIN | POLLOUT | POLLERR | POLLHUP | EPOLLWAKEUP | EPOLLET | EPOLLEXCLUSIVE)
#define EP_MAX_NESTS    4
#define NEVER           UINT64_MAX

struct epoll_event {            /* Linux i386's: 12 bytes, data 4-aligned */
	uint32_t events;
	uint64_t data;
} __attribute__((packed));
#define EP_MAX_EVENTS   (INT32_MAX / (int)sizeof(struct epoll_event))

struct eventpoll {
	struct epitem *items;
	struct epitem *ready, **ready_tail;     /* the ready list, oldest first */
};

struct epitem {
	struct eventpoll *ep;
	struct file *file;              /* no reference: its release removes the item */
	int fd;
	struct epoll_event event;       /* what is asked (with EPOLLERR, EPOLLHUP), and data */
	struct poll_table chans;        /* the channels the file's poll named last */
	bool on_ready;
	struct epitem *next;            /* ep's items */
	struct epitem *ready_next;
	struct epitem *file_next;       /* the file's items (f->epitems) */
	struct epitem *all_next;        /* every item: what a wakeup looks through */
};

static struct epitem *all_items;
static const struct file_ops eventpoll_ops;

static bool file_is_epoll(const struct file *f)
{
	return f->ops == &eventpoll_ops;
}

/* Unlink x from the list at head whose links are at offset link. */
#define LIST_REMOVE(head, x, link) do { \
	struct epitem **pp_ = (head); \
	while (*pp_ && *pp_ != (x)) \
		pp_ = &(*pp_)->link; \
	if (*pp_) \
		*pp_ = (x)->link; \
} while (0)

/* ---- the ready list ---- */

static void ready_push(struct epitem *i)
{
	struct eventpoll *ep = i->ep;

	i->on_ready = true;
	i->ready_next = NULL;
	*ep->ready_tail = i;
	ep->ready_tail = &i->ready_next;
}

/* Queue a chain of items linked by ready_next, in its order. */
static void ready_push_chain(struct epitem *chain)
{
	while (chain) {
		struct epitem *next = chain->ready_next;

		ready_push(chain);
		chain = next;
	}
}

static struct epitem *ready_pop(struct eventpoll *ep)
{
	struct epitem *i = ep->ready;

	if (i) {
		ep->ready = i->ready_next;
		if (!ep->ready)
			ep->ready_tail = &ep->ready;
		i->on_ready = false;
	}
	return i;
}

static void ready_remove(struct epitem *i)
{
	struct eventpoll *ep = i->ep;

	if (!i->on_ready)
		return;
	LIST_REMOVE(&ep->ready, i, ready_next);
	i->on_ready = false;
	ep->ready_tail = &ep->ready;
	while (*ep->ready_tail)
		ep->ready_tail = &(*ep->ready_tail)->ready_next;
}

/* Queue i (unless queued, or disabled by EPOLLONESHOT) and wake its
 * epoll's waiters, and those of any epoll watching it. */
static void ep_queue(struct epitem *i)
{
	if (i->on_ready || !(i->event.events & ~EP_PRIVATE_BITS))
		return;
	ready_push(i);
	wakeup(i->ep);
}

void eventpoll_wakeup(const void *chan)
{
	for (struct epitem *i = all_items; i; i = i->all_next)
		if (poll_table_wakes(&i->chans, chan))
			ep_queue(i);
}

/* What i's file is ready for of what i asks, its channels named anew. */
static uint32_t ep_item_poll(struct epitem *i)
{
	i->chans.n = 0;
	i->chans.overflow = false;
	return i->file->ops->poll(i->file, &i->chans) & i->event.events;
}

/* ---- items ---- */

static struct epitem *ep_find(struct eventpoll *ep, struct file *f, int fd)
{
	for (struct epitem *i = ep->items; i; i = i->next)
		if (i->file == f && i->fd == fd)
			return i;
	return NULL;
}

/* Set what i asks, and queue it if its file is ready for that now. */
static void ep_modify(struct epitem *i, const struct epoll_event *ev)
{
	i->event = *ev;
	if (ep_item_poll(i))
		ep_queue(i);
}

static int ep_insert(struct eventpoll *ep, struct file *f, int fd, const struct epoll_event *ev)
{
	struct epitem *i = kzalloc(sizeof(*i));

	if (!i)
		return -ENOMEM;
	i->ep = ep;
	i->file = f;
	i->fd = fd;
	i->next = ep->items;
	ep->items = i;
	i->file_next = f->epitems;
	f->epitems = i;
	i->all_next = all_items;
	all_items = i;
	ep_modify(i, ev);
	return 0;
}

static void ep_remove(struct epitem *i)
{
	ready_remove(i);
	LIST_REMOVE(&i->ep->items, i, next);
	LIST_REMOVE(&i->file->epitems, i, file_next);
	LIST_REMOVE(&all_items, i, all_next);
	kfree(i);
}

void eventpoll_release(struct file *f)
{
	while (f->epitems)
		ep_remove(f->epitems);
}

/* Whether watching epoll file target from ep would make a loop, or a
 * chain of more than EP_MAX_NESTS (Linux's ep_loop_check). */
static bool ep_loops(const struct eventpoll *ep, const struct eventpoll *target, int depth)
{
	for (const struct epitem *i = target->items; i; i = i->next) {
		if (!file_is_epoll(i->file))
			continue;
		if (i->file->private == ep || depth >= EP_MAX_NESTS ||
		    ep_loops(ep, i->file->private, depth + 1))
			return true;
	}
	return false;
}

/* ---- the epoll file ---- */

/* Readable while an item on the ready list has events; those that have
 * none leave it (Linux's __ep_eventpoll_poll). */
static uint32_t eventpoll_poll(struct file *f, struct poll_table *pt)
{
	struct eventpoll *ep = f->private;

	poll_wait(pt, ep);
	while (ep->ready) {
		if (ep_item_poll(ep->ready))
			return POLLIN | POLLRDNORM;
		ready_pop(ep);
	}
	return 0;
}

static void eventpoll_free(struct file *f)
{
	struct eventpoll *ep = f->private;

	while (ep->items)
		ep_remove(ep->items);
	kfree(ep);
}

static const struct file_ops eventpoll_ops = {
	.poll = eventpoll_poll, .release = eventpoll_free, .seek_zero = true,   /* noop_llseek */
};

static long epoll_create(uint32_t flags)
{
	struct eventpoll *ep;
	int fd;

	if (flags & ~(uint32_t)O_CLOEXEC)
		return -EINVAL;
	if (!(ep = kzalloc(sizeof(*ep))))
		return -ENOMEM;
	ep->ready_tail = &ep->ready;
	if ((fd = anon_inode_fd("[eventpoll]", &eventpoll_ops, O_RDWR, ep, flags & O_CLOEXEC)) < 0)
		kfree(ep);
	return fd;
}

SYSCALL(epoll_create1)
{
	return epoll_create(a0);
}

/* epoll_create(size): the size is only a hint, but must be positive. */
SYSCALL(epoll_create)
{
	return (int32_t)a0 <= 0 ? -EINVAL : epoll_create(0);
}

/* ---- epoll_ctl ---- */

/* The checks of epoll_ctl(epfd, op, fd, ev) before the item is looked
 * up, in Linux's order: 0 with the epoll and the target, or -errno. */
static int ctl_check(int epfd, int op, int fd, const struct epoll_event *ev, struct eventpoll **ep,
		     struct file **target)
{
	struct file *f = fd_get(proc_current, epfd), *tf = fd_get(proc_current, fd);
	bool has_event = op != EPOLL_CTL_DEL;

	if (!f || (f->flags & O_PATH) || !tf || (tf->flags & O_PATH))
		return -EBADF;
	if (!tf->ops || !tf->ops->poll)
		return -EPERM;          /* a regular file, a directory: always ready */
	if (f == tf || !file_is_epoll(f))
		return -EINVAL;
	if (has_event && (ev->events & EPOLLEXCLUSIVE) &&
	    (op == EPOLL_CTL_MOD ||
	     (op == EPOLL_CTL_ADD && (file_is_epoll(tf) || (ev->events & ~EPOLLEXCLUSIVE_OK_BITS)))))
		return -EINVAL;
	if (op == EPOLL_CTL_ADD && file_is_epoll(tf) && ep_loops(f->private, tf->private, 0))
		return -ELOOP;
	*ep = f->private;
	*target = tf;
	return 0;
}

SYSCALL(epoll_ctl)
{
	int op = (int)a1, fd = (int)a2, err;
	struct epoll_event ev = { 0, 0 };
	struct eventpoll *ep;
	struct epitem *i;
	struct file *tf;

	if (op != EPOLL_CTL_DEL && copyin(&ev, a3, sizeof(ev)))
		return -EFAULT;
	if ((err = ctl_check((int)a0, op, fd, &ev, &ep, &tf)))
		return err;
	i = ep_find(ep, tf, fd);
	ev.events |= POLLERR | POLLHUP;
	switch (op) {
	case EPOLL_CTL_ADD:
		return i ? -EEXIST : ep_insert(ep, tf, fd, &ev);
	case EPOLL_CTL_DEL:
		if (!i)
			return -ENOENT;
		ep_remove(i);
		return 0;
	case EPOLL_CTL_MOD:
		if (!i)
			return -ENOENT;
		if (i->event.events & EPOLLEXCLUSIVE)
			return -EINVAL;
		ep_modify(i, &ev);
		return 0;
	default:
		return -EINVAL;
	}
}

/* ---- epoll_wait ---- */

/*
 * Report up to max items of the ready list at u (Linux's ep_send_events):
 * the count, or -EFAULT if none could be written. Items not reached stay
 * first on the list; level-triggered ones reported go back at its end.
 */
static long ep_send_events(struct eventpoll *ep, vaddr_t u, int max)
{
	struct epitem *taken = ep->ready, *queued, *again = NULL, **again_tail = &again;
	long n = 0;

	ep->ready = NULL;
	ep->ready_tail = &ep->ready;
	while (taken && n < max) {
		struct epitem *i = taken;
		struct epoll_event out;

		taken = i->ready_next;
		i->on_ready = false;
		if (!(out.events = ep_item_poll(i)))
			continue;
		out.data = i->event.data;
		if (copyout(u + (vaddr_t)n * sizeof(out), &out, sizeof(out))) {
			i->ready_next = taken;  /* not reported: it stays first */
			taken = i;
			if (!n)
				n = -EFAULT;
			break;
		}
		n++;
		if (i->event.events & EPOLLONESHOT)
			i->event.events &= EP_PRIVATE_BITS;
		else if (!(i->event.events & EPOLLET))
			*again_tail = i, again_tail = &i->ready_next, i->on_ready = true; /* not queued twice */
	}
	/* The list is now: those not reached, any queued meanwhile, then again. */
	*again_tail = NULL;
	queued = ep->ready;
	ep->ready = NULL;
	ep->ready_tail = &ep->ready;
	ready_push_chain(taken);
	ready_push_chain(queued);
	ready_push_chain(again);
	return n;
}

/* Wait for events until the deadline (NEVER: no limit; 0: do not wait):
 * Linux's ep_poll. Events first, then the time, then a signal. */
static long ep_poll(struct eventpoll *ep, vaddr_t u, int max, uint64_t deadline)
{
	for (;;) {
		long n = ep->ready ? ep_send_events(ep, u, max) : 0;

		if (n)
			return n;
		if (deadline != NEVER && timer_passed(deadline))
			return 0;
		if (signal_pending(proc_current))
			return -EINTR;  /* never restarted, as Linux's epoll_wait */
		if (deadline == NEVER)
			sleep_on_interruptible(ep);
		else
			(void)sleep_on_timeout(ep, deadline);
	}
}

/* The checks of epoll_wait in Linux's order, then the wait. */
static long do_epoll_wait(int epfd, vaddr_t u, int max, uint64_t deadline)
{
	struct file *f;
	long n;

	if (max <= 0 || max > EP_MAX_EVENTS)
		return -EINVAL;
	if (!user_range_ok(u, (size_t)max * sizeof(struct epoll_event)))
		return -EFAULT;
	f = fd_get(proc_current, epfd);
	if (!f || (f->flags & O_PATH))
		return -EBADF;
	if (!file_is_epoll(f))
		return -EINVAL;
	file_get(f);            /* it stays while the caller sleeps in it */
	n = ep_poll(f->private, u, max, deadline);
	file_put(f);
	return n;
}

/* A timeout in ms: its deadline (negative: none). */
static uint64_t ms_deadline(int32_t ms)
{
	return ms < 0 ? NEVER : timer_deadline((uint32_t)ms / 1000, (uint64_t)((uint32_t)ms % 1000) * 1000000);
}

/* With a signal mask for the wait (NULL: the present one), as ppoll. */
static long epoll_pwait(int epfd, vaddr_t u, int max, uint64_t deadline, vaddr_t umask, uint32_t size)
{
	bool masked;
	long r = poll_mask_in(umask, size, &masked);

	if (r)
		return r;
	r = do_epoll_wait(epfd, u, max, deadline);
	poll_mask_out(masked, r == -EINTR);
	return r;
}

SYSCALL(epoll_wait)
{
	return do_epoll_wait((int)a0, a1, (int)a2, ms_deadline((int32_t)a3));
}

SYSCALL(epoll_pwait)
{
	return epoll_pwait((int)a0, a1, (int)a2, ms_deadline((int32_t)a3), a4, a5);
}

/* epoll_pwait2: the timeout a struct timespec of 64 bits (NULL: none). */
SYSCALL(epoll_pwait2)
{
	uint64_t deadline = NEVER, sec, nsec;
	int err;

	if (a3) {
		if ((err = timespec_in(a3, true, &sec, &nsec)))
			return err;
		deadline = timer_deadline(sec, nsec);
	}
	return epoll_pwait((int)a0, a1, (int)a2, deadline, a4, a5);
}
