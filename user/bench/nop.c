/*
 * bench-nop: the small static program that ubench's fork+exec measurement
 * runs (built against musl, about 10 KiB): it exits at once.
 */
int main(void)
{
	return 0;
}
