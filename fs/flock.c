/*
 * flock(2): whole-file locks that belong to an open file (so a dup or a
 * fork shares the lock, and the last close drops it), shared or
 * exclusive, on the file's inode. A lock that conflicts waits, unless
 * LOCK_NB says not to (-EAGAIN); a change of kind drops the old lock
 * first, as Linux's does, so it is not atomic.
 */
#include <pagoda/errno.h>
#include <pagoda/file.h>
#include <pagoda/proc.h>

#define LOCK_SH 1
#define LOCK_EX 2
#define LOCK_NB 4
#define LOCK_UN 8

/* Whether f may take a lock of kind want on inode now. */
static bool may_lock(const struct inode *inode, const struct file *f, uint8_t want)
{
	if (inode->flock_excl && inode->flock_excl != f)
		return false;
	return want == LOCK_SH || inode->flock_shared == 0;
}

void flock_release(struct file *f)
{
	struct inode *inode = f->inode;

	if (f->flock == LOCK_SH)
		inode->flock_shared--;
	else if (f->flock == LOCK_EX)
		inode->flock_excl = NULL;
	if (f->flock)
		wakeup(inode);
	f->flock = 0;
}

int flock_file(struct file *f, uint32_t op)
{
	struct inode *inode = f->inode;
	uint8_t want = (uint8_t)(op & ~(uint32_t)LOCK_NB);

	if (want != LOCK_SH && want != LOCK_EX && want != LOCK_UN)
		return -EINVAL;
	if (!inode)
		return -EINVAL;         /* a pipe: not yet */
	if (want == f->flock)
		return 0;
	flock_release(f);
	if (want == LOCK_UN)
		return 0;
	while (!may_lock(inode, f, want)) {
		if (op & LOCK_NB)
			return -EAGAIN;
		if (sleep_on_interruptible(inode))
			return -ERESTARTSYS;
	}
	f->flock = want;
	if (want == LOCK_SH)
		inode->flock_shared++;
	else
		inode->flock_excl = f;
	return 0;
}
