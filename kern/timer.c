/*
 * The timer queue (see <pagoda/timer.h>): armed timers in time order,
 * and the machine's one-shot timer set for the first.
 *
 *   ktimer_arm ──► insert in order ──► earlier than the device is set for?
 *                                          └─ yes: set it again
 *   interrupt ──► run every timer whose time has come, in order
 *             └─► set the device for the new first (none: leave it quiet)
 *
 * The device counts only so far (the PIT some 55 ms), so a timer further
 * off takes a few interrupts that find nothing due. Without a one-shot
 * device, every tick is an interrupt that looks at the queue.
 */
#include <pagoda/timer.h>
#include <pagoda/log.h>
#include <pagoda/irq.h>

static struct ktimer *queue;
static uint64_t programmed = UINT64_MAX;        /* the device's next interrupt */
static bool oneshot;

/* Set the device for the queue's first timer. */
static void program_first(uint64_t now)
{
	uint64_t first = queue ? queue->when : UINT64_MAX;

	if (!oneshot)
		return;
	if (first == UINT64_MAX) {
		programmed = UINT64_MAX;
		return;
	}
	programmed = now + clockevent_program(first > now ? first - now : 0);
}

static void unlink_timer(struct ktimer *t)
{
	*t->pprev = t->next;
	if (t->next)
		t->next->pprev = t->pprev;
	t->pprev = NULL;
	t->next = NULL;
}

void ktimer_arm(struct ktimer *t, uint64_t when, ktimer_fn *fn)
{
	uint32_t flags = irq_save();
	struct ktimer **pp = &queue;

	if (ktimer_armed(t))
		unlink_timer(t);
	t->when = when;
	t->fn = fn;
	while (*pp && (*pp)->when <= when)      /* equal times run as armed */
		pp = &(*pp)->next;
	t->next = *pp;
	t->pprev = pp;
	if (*pp)
		(*pp)->pprev = &t->next;
	*pp = t;
	if (when < programmed)
		program_first(clock_mono_ns());
	irq_restore(flags);
}

/* The device is left as it is: an interrupt that finds nothing due is
 * cheaper than setting it again at each cancel. */
void ktimer_cancel(struct ktimer *t)
{
	uint32_t flags = irq_save();

	if (ktimer_armed(t))
		unlink_timer(t);
	irq_restore(flags);
}

static void timer_interrupt(bool from_user)
{
	uint64_t now = clock_mono_ns();

	/* A callback's ktimer_arm sees programmed in the past and leaves the
	 * device alone: it is set once, below. */
	while (queue && queue->when <= now) {
		struct ktimer *t = queue;

		unlink_timer(t);
		t->fn(t, from_user);
	}
	program_first(clock_mono_ns());
}

void timer_init(void)
{
	oneshot = clockevent_init(timer_interrupt);
	if (!oneshot)
		programmed = 0;         /* the ticks look; arming never sets anything */
	pr_info("timer: %s\n", oneshot ? "one-shot, set for each deadline"
				       : "a tick every 10 ms, deadlines to the tick");
}
