/*
 * timerfd: a timer read through a file, as Linux's fs/timerfd.c. When it
 * fires it counts one expiry and wakes readers; a periodic one is moved on
 * by whole intervals only when it is read or looked at (the expiries it
 * missed added then, as Linux's hrtimer_forward), so a very short period
 * costs nothing while no one reads. A read gives the count (8 bytes) and
 * starts it again from 0.
 *
 * A relative time is on the monotonic clock whatever the timer's clock; an
 * absolute time on CLOCK_REALTIME is a wall-clock time, which moves when
 * the clock is set (timerfd_clock_was_set): the timer is moved with it,
 * and one set with TFD_TIMER_CANCEL_ON_SET reads ECANCELED once.
 */
#include "../proc/proc_internal.h"
#include <pagoda/clock.h>
#include <pagoda/errno.h>
#include <pagoda/file.h>
#include <pagoda/kmalloc.h>
#include <pagoda/time.h>
#include <pagoda/timer.h>
#include <pagoda/uaccess.h>

#define TFD_TIMER_ABSTIME       1
#define TFD_TIMER_CANCEL_ON_SET 2
#define TFD_IOC_SET_TICKS       0x40085400      /* _IOW('T', 0, u64) */

struct timerfd {
	struct ktimer timer;            /* armed at its next expiry */
	int clock;
	uint64_t interval;              /* 0: once */
	uint64_t ticks;                 /* expiries not yet read */
	bool expired;                   /* fired, not yet moved on */
	bool wall;                      /* armed at a wall-clock time: wall_when */
	bool might_cancel;              /* TFD_TIMER_CANCEL_ON_SET */
	bool canceled;                  /* the clock was set since */
	uint64_t wall_when;
	struct timerfd *wall_next;      /* those that wall or might_cancel */
};

static struct timerfd *wall_timers;

static void timerfd_fire(struct ktimer *t, bool from_user)
{
	struct timerfd *tf = container_of(t, struct timerfd, timer);

	(void)from_user;
	tf->expired = true;
	tf->ticks++;
	wakeup(tf);
}

/* A periodic timer that fired: on to its first expiry after now, the
 * ones between counted (Linux's hrtimer_forward_now, less the one the
 * interrupt counted). */
static void timerfd_forward(struct timerfd *tf)
{
	uint64_t when = tf->timer.when, missed;

	if (!tf->expired || !tf->interval)
		return;
	tf->expired = false;
	missed = timer_forward(&when, tf->interval, clock_mono_ns());
	tf->ticks += missed ? missed - 1 : 0;
	tf->wall_when += missed * tf->interval;
	ktimer_arm(&tf->timer, when, timerfd_fire);
}

/* What timerfd_gettime says: the time to the next expiry (0 if none is
 * coming), and the interval. */
static void timerfd_read_back(struct timerfd *tf, uint64_t *interval, uint64_t *value)
{
	uint64_t now = clock_mono_ns();

	timerfd_forward(tf);
	*interval = tf->interval;
	*value = ktimer_armed(&tf->timer) && tf->timer.when > now ? tf->timer.when - now : 0;
}

static void wall_list_remove(struct timerfd *tf)
{
	for (struct timerfd **pp = &wall_timers; *pp; pp = &(*pp)->wall_next)
		if (*pp == tf) {
			*pp = tf->wall_next;
			break;
		}
}

void timerfd_clock_was_set(void)
{
	for (struct timerfd *tf = wall_timers; tf; tf = tf->wall_next) {
		if (tf->might_cancel) {
			tf->canceled = true;
			tf->ticks++;
			wakeup(tf);
		}
		if (tf->wall && ktimer_armed(&tf->timer)) {
			uint64_t now = clock_realtime_ns();

			ktimer_arm(&tf->timer, clock_mono_ns() + (tf->wall_when > now ? tf->wall_when - now : 0),
				   timerfd_fire);
		}
	}
}

/* Arm tf as timerfd_settime says: value 0 disarms; flags are checked. */
static void timerfd_setup(struct timerfd *tf, uint32_t flags, uint64_t interval, uint64_t value)
{
	bool realtime = tf->clock == CLOCK_REALTIME || tf->clock == CLOCK_REALTIME_ALARM;
	uint64_t now = clock_mono_ns(), when;

	ktimer_cancel(&tf->timer);
	wall_list_remove(tf);
	tf->ticks = 0;
	tf->expired = tf->canceled = false;
	tf->interval = interval;
	tf->wall = realtime && (flags & TFD_TIMER_ABSTIME);
	tf->might_cancel = tf->wall && (flags & TFD_TIMER_CANCEL_ON_SET);
	tf->wall_when = value;
	if (tf->wall || tf->might_cancel) {
		tf->wall_next = wall_timers;
		wall_timers = tf;
	}
	if (!value)
		return;
	if (!(flags & TFD_TIMER_ABSTIME))
		when = now + MIN(value, UINT64_MAX / 2);
	else if (tf->wall)
		when = now + (value > clock_realtime_ns() ? value - clock_realtime_ns() : 0);
	else
		when = value;   /* MONOTONIC and BOOTTIME: the same clock */
	ktimer_arm(&tf->timer, when, timerfd_fire);
}

static long timerfd_read(struct file *f, vaddr_t buf, size_t n, bool wait)
{
	struct timerfd *tf = f->private;
	uint64_t ticks;

	if (n < sizeof(ticks))
		return -EINVAL;
	while (!tf->ticks) {
		if (!wait)
			return -EAGAIN;
		if (sleep_on_interruptible(tf))
			return -ERESTARTSYS;
	}
	if (tf->canceled) {
		tf->ticks = 0;
		tf->expired = false;
		tf->canceled = false;           /* said once, until the next setting */
		return -ECANCELED;
	}
	timerfd_forward(tf);
	ticks = tf->ticks;
	tf->ticks = 0;
	tf->expired = false;
	return copyout(buf, &ticks, sizeof(ticks)) ? -EFAULT : (long)sizeof(ticks);
}

static uint32_t timerfd_poll(struct file *f, struct poll_table *pt)
{
	struct timerfd *tf = f->private;

	poll_wait(pt, tf);
	return tf->ticks ? POLLIN | POLLRDNORM : 0;
}

/* TFD_IOC_SET_TICKS: set the count of expiries (not 0), as a checkpoint
 * restorer does. */
static int timerfd_ioctl(struct file *f, uint32_t cmd, vaddr_t arg)
{
	struct timerfd *tf = f->private;
	uint64_t ticks;

	if (cmd != TFD_IOC_SET_TICKS)
		return -ENOTTY;
	if (copyin(&ticks, arg, sizeof(ticks)))
		return -EFAULT;
	if (!ticks)
		return -EINVAL;
	tf->ticks = ticks;
	wakeup(tf);
	return 0;
}

static void timerfd_release(struct file *f)
{
	struct timerfd *tf = f->private;

	ktimer_cancel(&tf->timer);
	wall_list_remove(tf);
	kfree(tf);
}

static const struct file_ops timerfd_ops = {
	.read = timerfd_read, .poll = timerfd_poll, .ioctl = timerfd_ioctl, .release = timerfd_release,
	.seek_zero = true,      /* Linux's noop_llseek */
};

/* timerfd_create(clock, flags): REALTIME, MONOTONIC, BOOTTIME or their
 * _ALARM kinds (nothing suspends: the same); TFD_NONBLOCK, TFD_CLOEXEC. */
SYSCALL(timerfd_create)
{
	int clock = (int)a0, fd;
	struct timerfd *tf;

	if ((a1 & ~(uint32_t)(O_CLOEXEC | O_NONBLOCK)) ||
	    (clock != CLOCK_MONOTONIC && clock != CLOCK_REALTIME && clock != CLOCK_REALTIME_ALARM &&
	     clock != CLOCK_BOOTTIME && clock != CLOCK_BOOTTIME_ALARM))
		return -EINVAL;
	if (!(tf = kzalloc(sizeof(*tf))))
		return -ENOMEM;
	tf->clock = clock;
	if ((fd = anon_inode_fd("[timerfd]", &timerfd_ops, O_RDWR | (a1 & O_NONBLOCK), tf, a1 & O_CLOEXEC)) < 0)
		kfree(tf);
	return fd;
}

/* The timerfd at fd: it, or NULL with *err -EBADF or -EINVAL. */
static struct timerfd *timerfd_at(int fd, long *err)
{
	struct file *f = fd_get(proc_current, fd);

	*err = !f || (f->flags & O_PATH) ? -EBADF : f->ops != &timerfd_ops ? -EINVAL : 0;
	return *err ? NULL : f->private;
}

/* In Linux's order: the new value in (EFAULT), flags and value checked
 * (EINVAL), the descriptor (EBADF, EINVAL), and the old value out last,
 * once the new one is set. */
static long timerfd_settime(int fd, uint32_t flags, vaddr_t unew, vaddr_t uold, bool time64)
{
	uint64_t interval, value, old_interval, old_value;
	struct timerfd *tf;
	long err = itimerspec_in(unew, time64, &interval, &value);

	if (err)
		return err;
	if (flags & ~(uint32_t)(TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET))
		return -EINVAL;
	if (!(tf = timerfd_at(fd, &err)))
		return err;
	timerfd_read_back(tf, &old_interval, &old_value);
	timerfd_setup(tf, flags, interval, value);
	return uold ? itimerspec_out(uold, time64, old_interval, old_value) : 0;
}

static long timerfd_gettime(int fd, vaddr_t u, bool time64)
{
	uint64_t interval, value;
	struct timerfd *tf;
	long err;

	if (!(tf = timerfd_at(fd, &err)))
		return err;
	timerfd_read_back(tf, &interval, &value);
	return itimerspec_out(u, time64, interval, value);
}

SYSCALL(timerfd_settime) { return timerfd_settime((int)a0, a1, a2, a3, false); }
SYSCALL(timerfd_settime64) { return timerfd_settime((int)a0, a1, a2, a3, true); }
SYSCALL(timerfd_gettime) { return timerfd_gettime((int)a0, a1, false); }
SYSCALL(timerfd_gettime64) { return timerfd_gettime((int)a0, a1, true); }
