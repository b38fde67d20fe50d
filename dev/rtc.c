/*
 * The CMOS real-time clock, read once at boot: the wall-clock time that
 * CLOCK_REALTIME counts from. Registers per the MC146818 datasheet, at
 * index port 0x70 and data port 0x71.
 */
#include <pagoda/rtc.h>
#include <arch/cpu.h>

#define CMOS_INDEX      0x70
#define CMOS_DATA       0x71
#define RTC_SECONDS     0x00
#define RTC_MINUTES     0x02
#define RTC_HOURS       0x04
#define RTC_DAY         0x07
#define RTC_MONTH       0x08
#define RTC_YEAR        0x09
#define RTC_STATUS_A    0x0A
#define RTC_STATUS_B    0x0B
#define RTC_A_UIP       0x80    /* an update is in progress */
#define RTC_B_24H       0x02
#define RTC_B_BINARY    0x04
#define RTC_HOUR_PM     0x80

static uint64_t boot_seconds;

static uint8_t cmos_read(uint8_t reg)
{
	outb(CMOS_INDEX, reg);
	return inb(CMOS_DATA);
}

static unsigned from_bcd(uint8_t v, bool binary)
{
	return binary ? v : (v >> 4) * 10 + (v & 0xF);
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian): count from March so
 * that the leap day is the last of the year. E.g. 2000-03-01 is 11017. */
static uint64_t days_from_civil(unsigned y, unsigned m, unsigned d)
{
	unsigned era, yoe, doy, doe;

	y -= m <= 2;
	era = y / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (uint64_t)era * 146097 + doe - 719468;
}

void rtc_init(void)
{
	uint8_t b, hour;
	bool binary;
	unsigned sec, min, h, day, mon, year;

	while (cmos_read(RTC_STATUS_A) & RTC_A_UIP)
		;
	b = cmos_read(RTC_STATUS_B);
	binary = b & RTC_B_BINARY;
	sec = from_bcd(cmos_read(RTC_SECONDS), binary);
	min = from_bcd(cmos_read(RTC_MINUTES), binary);
	hour = cmos_read(RTC_HOURS);
	h = from_bcd(hour & ~RTC_HOUR_PM, binary);
	if (!(b & RTC_B_24H) && (hour & RTC_HOUR_PM))
		h = (h % 12) + 12;
	else if (!(b & RTC_B_24H) && h == 12)
		h = 0;
	day = from_bcd(cmos_read(RTC_DAY), binary);
	mon = from_bcd(cmos_read(RTC_MONTH), binary);
	year = 2000 + from_bcd(cmos_read(RTC_YEAR), binary);
	boot_seconds = days_from_civil(year, mon, day) * 86400 + h * 3600 + min * 60 + sec;
}

uint64_t rtc_boot_seconds(void)
{
	return boot_seconds;
}
