/*
 * Record locks (fcntl F_SETLK and friends): byte ranges of a file locked
 * for reading (shared) or writing (exclusive), as Linux's fs/locks.c.
 *
 * Two kinds share one list per inode and conflict with each other:
 *   - POSIX locks belong to a process: every close of any descriptor of
 *     the file by that process drops all of them, fork does not pass
 *     them on, and exec keeps them.
 *   - OFD locks (F_OFD_SETLK) belong to an open file: dup and fork share
 *     them, and they go with the file's last reference.
 * An owner's locks never overlap one another: a new lock replaces the
 * owner's old ones in its range (splitting them if need be), and merges
 * with those of the same type that it overlaps or touches. A lock that
 * conflicts with another owner's waits (SETLKW) or fails with -EAGAIN;
 * a POSIX wait that would close a cycle of waiting processes is
 * -EDEADLK, as Linux finds it (following at most 10 owners).
 *
 * The list keeps each owner's locks together, by start: F_GETLK reports
 * the first conflict in that order, as Linux's flc_posix list does.
 * Locking rule: one CPU and no preemption in the kernel, so nothing
 * here takes a lock; with SMP the inode's list will need one, and a
 * sleeper holds none.
 */
#include <pagoda/errno.h>
#include <pagoda/file.h>
#include <pagoda/kmalloc.h>
#include <pagoda/proc.h>

#define OFFSET_MAX      INT64_MAX       /* "to the end of the file" */
#define MAX_DEADLK_ITERATIONS 10

struct file_lock {
	struct file_lock *next;
	const void *owner;              /* a process (POSIX) or an open file (OFD) */
	int pid;                        /* F_GETLK's l_pid: the owner's, -1 for OFD */
	uint16_t type;                  /* F_RDLCK or F_WRLCK */
	int64_t start, end;             /* bytes [start, end] */
};

static bool overlap(const struct file_lock *a, const struct file_lock *b)
{
	return a->start <= b->end && b->start <= a->end;
}

/* Whether request (of its owner) conflicts with held, Linux's
 * posix_locks_conflict: another owner's, overlapping, a writer among them. */
static bool conflicts(const struct file_lock *request, const struct file_lock *held)
{
	return held->owner != request->owner && overlap(request, held) &&
	       (held->type == F_WRLCK || request->type == F_WRLCK);
}

static struct file_lock *first_conflict(const struct inode *inode, const struct file_lock *request)
{
	for (struct file_lock *l = inode->locks; l; l = l->next)
		if (conflicts(request, l))
			return l;
	return NULL;
}

/* What the process owning POSIX locks as owner waits for: the owner of
 * the lock it sleeps on, or NULL (not waiting, or not a process). */
static const void *owner_waits_for(const void *owner)
{
	for (struct proc *p = proc_all; p; p = p->all_next)
		if (p == owner && p->state != PROC_ZOMBIE)
			return p->lock_waits_for;
	return NULL;
}

/* Whether the POSIX request, waiting for blocker, would wait for itself. */
static bool deadlock(const struct file_lock *request, const struct file_lock *blocker)
{
	const void *owner = blocker->owner;

	for (int i = 0; (owner = owner_waits_for(owner)) != NULL; i++) {
		if (i > MAX_DEADLK_ITERATIONS)
			return false;
		if (owner == request->owner)
			return true;
	}
	return false;
}

/* Put l into inode's list: after the owner's locks that start before it,
 * or at the end if the owner holds none. */
static void insert(struct inode *inode, struct file_lock *l)
{
	struct file_lock **at = &inode->locks, **after_own = NULL;

	for (; *at; at = &(*at)->next)
		if ((*at)->owner == l->owner) {
			if ((*at)->start > l->start)
				break;
			after_own = &(*at)->next;
		} else if (after_own) {
			at = after_own;
			break;
		}
	l->next = *at;
	*at = l;
}

/*
 * Apply request (F_RDLCK, F_WRLCK or F_UNLCK) to its owner's locks, with
 * no conflict left to wait for. Nothing fails halfway: the two locks a
 * change may need (the request, and the far piece of a lock it splits)
 * are allocated first.
 */
static int apply(struct inode *inode, const struct file_lock *request)
{
	struct file_lock *new = kmalloc(sizeof(*new)), *split = kmalloc(sizeof(*split));
	struct file_lock **pp = &inode->locks, *l;

	if (!new || !split) {
		kfree(new);
		kfree(split);
		return -ENOLCK;
	}
	*new = *request;
	while ((l = *pp) != NULL) {
		bool touches = l->start <= new->end + (new->end < OFFSET_MAX) &&
			       new->start <= l->end + (l->end < OFFSET_MAX);

		if (l->owner != new->owner || !touches) {
			pp = &l->next;
			continue;
		}
		if (l->type == new->type) {             /* merge into the new one */
			new->start = MIN(new->start, l->start);
			new->end = MAX(new->end, l->end);
		} else if (!overlap(l, new)) {          /* only touches: unchanged */
			pp = &l->next;
			continue;
		} else if (l->start < new->start && l->end > new->end) {
			*split = *l;                    /* l keeps its left, split the right */
			split->start = new->end + 1;
			l->end = new->start - 1;
			split->next = l->next;
			l->next = split;
			split = NULL;
			break;
		} else if (l->start < new->start) {
			l->end = new->start - 1;
			pp = &l->next;
			continue;
		} else if (l->end > new->end) {
			l->start = new->end + 1;
			pp = &l->next;
			continue;
		}
		*pp = l->next;                          /* covered (or merged): it goes */
		kfree(l);
	}
	kfree(split);
	if (new->type == F_UNLCK)
		kfree(new);
	else
		insert(inode, new);
	wakeup(&inode->locks);
	return 0;
}

/* Drop every lock of owner on inode (a close, an exit, a file's end). */
static void remove_owner(struct inode *inode, const void *owner)
{
	struct file_lock **pp = &inode->locks, *l;
	bool gone = false;

	while ((l = *pp) != NULL) {
		if (l->owner == owner) {
			*pp = l->next;
			kfree(l);
			gone = true;
		} else {
			pp = &l->next;
		}
	}
	if (gone)
		wakeup(&inode->locks);
}

void record_locks_close(struct file *f, struct proc *p)
{
	if (f->inode && f->inode->locks)
		remove_owner(f->inode, p);
}

void record_locks_release(struct file *f)
{
	if (f->inode && f->inode->locks)
		remove_owner(f->inode, f);
}

/* The range and type of a struct flock64, from f's position or size as
 * l_whence says (Linux's flock64_to_posix_lock), owned by the caller
 * (POSIX) or by f (OFD, whose l_pid must be 0). */
static int to_lock(struct file *f, const struct flock64 *fl, bool ofd, struct file_lock *l)
{
	int64_t base;

	switch (fl->l_whence) {
	case SEEK_SET: base = 0; break;
	case SEEK_CUR: base = f->pos; break;
	case SEEK_END: base = f->inode ? (int64_t)f->inode->size : 0; break;
	default: return -EINVAL;
	}
	if (fl->l_start > OFFSET_MAX - base)
		return -EOVERFLOW;
	l->start = base + fl->l_start;
	if (l->start < 0)
		return -EINVAL;
	if (fl->l_len > 0) {
		if (fl->l_len - 1 > OFFSET_MAX - l->start)
			return -EOVERFLOW;
		l->end = l->start + (fl->l_len - 1);
	} else if (fl->l_len < 0) {
		if (l->start + fl->l_len < 0)
			return -EINVAL;
		l->end = l->start - 1;
		l->start += fl->l_len;
	} else {
		l->end = OFFSET_MAX;
	}
	if (fl->l_type != F_RDLCK && fl->l_type != F_WRLCK && fl->l_type != F_UNLCK)
		return -EINVAL;
	l->type = (uint16_t)fl->l_type;
	l->owner = ofd ? (const void *)f : (const void *)proc_current;
	l->pid = ofd ? -1 : proc_current->pid;
	l->next = NULL;
	return 0;
}

int record_lock_test(struct file *f, struct flock64 *fl, bool ofd)
{
	struct file_lock request, *held;
	int err;

	if (fl->l_type != F_RDLCK && fl->l_type != F_WRLCK)
		return -EINVAL;
	err = to_lock(f, fl, ofd, &request);
	if (err)
		return err;
	if (ofd && fl->l_pid != 0)
		return -EINVAL;
	held = f->inode ? first_conflict(f->inode, &request) : NULL;
	if (!held) {
		fl->l_type = F_UNLCK;
		return 0;
	}
	fl->l_type = (int16_t)held->type;
	fl->l_whence = SEEK_SET;
	fl->l_start = held->start;
	fl->l_len = held->end == OFFSET_MAX ? 0 : held->end - held->start + 1;
	fl->l_pid = held->pid;
	return 0;
}

int record_lock_set(struct file *f, const struct flock64 *fl, bool ofd, bool wait)
{
	struct inode *inode = f->inode;
	struct file_lock request, *held;
	uint32_t acc = f->flags & O_ACCMODE;
	int err;

	err = to_lock(f, fl, ofd, &request);
	if (err)
		return err;
	if ((request.type == F_RDLCK && acc == O_WRONLY) || (request.type == F_WRLCK && acc == O_RDONLY))
		return -EBADF;
	if (ofd && fl->l_pid != 0)
		return -EINVAL;
	if (!inode)
		return -EINVAL;         /* the console made at boot: no inode to lock */
	while (request.type != F_UNLCK && (held = first_conflict(inode, &request)) != NULL) {
		if (!wait)
			return -EAGAIN;
		if (!ofd && deadlock(&request, held))
			return -EDEADLK;
		proc_current->lock_waits_for = ofd ? NULL : held->owner;
		err = sleep_on_interruptible(&inode->locks);
		proc_current->lock_waits_for = NULL;
		if (err)
			return -ERESTARTSYS;
	}
	return apply(inode, &request);
}
