/* Print a greeting, the arguments, the environment and what the kernel
 * told the program through the auxiliary vector. */
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

extern char **environ;

int main(int argc, char **argv)
{
	const char *execfn = (const char *)getauxval(AT_EXECFN);
	const unsigned char *rnd = (const unsigned char *)getauxval(AT_RANDOM);
	int nonzero = 0;

	printf("hello, world\n");
	printf("argc %d\n", argc);
	for (int i = 0; i < argc; i++)
		printf("argv[%d] \"%s\"\n", i, argv[i]);
	for (char **e = environ; *e; e++)
		printf("env \"%s\"\n", *e);
	printf("AT_PAGESZ %lu\n", getauxval(AT_PAGESZ));
	printf("AT_UID %lu AT_EUID %lu AT_GID %lu AT_EGID %lu AT_SECURE %lu\n",
	       getauxval(AT_UID), getauxval(AT_EUID), getauxval(AT_GID),
	       getauxval(AT_EGID), getauxval(AT_SECURE));
	printf("AT_CLKTCK %lu\n", getauxval(AT_CLKTCK));
	printf("AT_PLATFORM %s\n", (const char *)getauxval(AT_PLATFORM));
	printf("AT_EXECFN %s\n", execfn ? execfn : "(none)");
	printf("AT_ENTRY is main's image: %s\n", getauxval(AT_ENTRY) != 0 ? "yes" : "no");
	printf("AT_PHDR set: %s, AT_PHENT %lu\n", getauxval(AT_PHDR) ? "yes" : "no",
	       getauxval(AT_PHENT));
	for (int i = 0; rnd && i < 16; i++)
		nonzero |= rnd[i];
	printf("AT_RANDOM present: %s\n", rnd && nonzero ? "yes" : "no");
	printf("getpid() == 1: %s\n", getpid() == 1 ? "yes" : "no");
	return 3;
}
