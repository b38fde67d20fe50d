/* Kernel command-line parsing (lib/cmdline.c). */
#include <pagoda/cmdline.h>
#include <pagoda/errno.h>
#include <pagoda/ktest.h>
#include "oracle.h"

KTEST(cmdline_skips_image_name)
{
	KT_ASSERT_EQ(oracle_strcmp(cmdline_skip_image_name("/boot/pagoda.elf test  x=1"), "test  x=1"), 0);
	KT_ASSERT_EQ(oracle_strcmp(cmdline_skip_image_name("  build/pagoda.elf"), ""), 0);
	KT_ASSERT_EQ(oracle_strcmp(cmdline_skip_image_name("pagoda.elf x"), "x"), 0);
	KT_ASSERT_EQ(oracle_strcmp(cmdline_skip_image_name(""), ""), 0);
	/* GRUB 2 passes no image name: the first word is a parameter. */
	KT_ASSERT_EQ(oracle_strcmp(cmdline_skip_image_name("test x=1"), "test x=1"), 0);
	KT_ASSERT_EQ(oracle_strcmp(cmdline_skip_image_name(" loglevel=7 test"), "loglevel=7 test"), 0);
	KT_ASSERT_EQ(oracle_strcmp(cmdline_skip_image_name("root=/dev/x y"), "root=/dev/x y"), 0);
}

KTEST(cmdline_flags_and_values)
{
	const char *cl = "test loglevel=8 name=pagoda testing=no";
	const char *val;
	size_t len;

	KT_ASSERT(cmdline_has(cl, "test"));
	KT_ASSERT(cmdline_has(cl, "testing"));
	KT_ASSERT(!cmdline_has(cl, "tes"));             /* whole words only */
	KT_ASSERT(!cmdline_has(cl, "log"));
	KT_ASSERT(!cmdline_has(cl, "8"));
	KT_ASSERT(cmdline_find(cl, "name", &val, &len));
	KT_ASSERT_EQ(len, 6);
	KT_ASSERT_EQ(oracle_strncmp(val, "pagoda", len), 0);
	KT_ASSERT(cmdline_find(cl, "test", &val, &len));
	KT_ASSERT_EQ(len, 0);
	KT_ASSERT(!cmdline_has("", "test"));
}

KTEST(cmdline_last_occurrence_wins)
{
	long v = 0;

	KT_ASSERT_EQ(cmdline_get_long("loglevel=3 loglevel=9", "loglevel", &v), 0);
	KT_ASSERT_EQ(v, 9);
}

KTEST(cmdline_integers)
{
	long v = 77;

	KT_ASSERT_EQ(cmdline_get_long("n=42", "n", &v), 0);
	KT_ASSERT_EQ(v, 42);
	KT_ASSERT_EQ(cmdline_get_long("n=-42", "n", &v), 0);
	KT_ASSERT_EQ(v, -42);
	KT_ASSERT_EQ(cmdline_get_long("n=0x1F", "n", &v), 0);
	KT_ASSERT_EQ(v, 31);
	v = 77;
	KT_ASSERT_EQ(cmdline_get_long("n=", "n", &v), -EINVAL);
	KT_ASSERT_EQ(cmdline_get_long("n", "n", &v), -EINVAL);
	KT_ASSERT_EQ(cmdline_get_long("n=12x", "n", &v), -EINVAL);
	KT_ASSERT_EQ(cmdline_get_long("n=0x", "n", &v), -EINVAL);
	KT_ASSERT_EQ(cmdline_get_long("n=-", "n", &v), -EINVAL);
	KT_ASSERT_EQ(cmdline_get_long("m=1", "n", &v), -ENOENT);
	KT_ASSERT_EQ(cmdline_get_long("n=99999999999999999999999", "n", &v), -EINVAL);
	KT_ASSERT_EQ(v, 77);                            /* untouched on error */
	KT_ASSERT_EQ(cmdline_get_long("n=9223372036854775807", "n", &v), 0);
	KT_ASSERT_EQ(v, 9223372036854775807L);
	KT_ASSERT_EQ(cmdline_get_long("n=-9223372036854775808", "n", &v), 0);
	KT_ASSERT_EQ(v, -9223372036854775807L - 1);
	KT_ASSERT_EQ(cmdline_get_long("n=9223372036854775808", "n", &v), -EINVAL);
}

KTEST(cmdline_strings)
{
	char buf[5];

	KT_ASSERT_EQ(cmdline_get_str("crash=wp", "crash", buf, sizeof(buf)), 0);
	KT_ASSERT_EQ(oracle_strcmp(buf, "wp"), 0);
	KT_ASSERT_EQ(cmdline_get_str("test", "test", buf, sizeof(buf)), 0);
	KT_ASSERT_EQ(oracle_strcmp(buf, ""), 0);
	KT_ASSERT_EQ(cmdline_get_str("crash=pagefault", "crash", buf, sizeof(buf)), -ENAMETOOLONG);
	KT_ASSERT_EQ(oracle_strcmp(buf, "page"), 0);
	KT_ASSERT_EQ(cmdline_get_str("x=1", "crash", buf, sizeof(buf)), -ENOENT);
}

/* Words after "--" belong to init: "vmstat" there is not the kernel's. */
KTEST(cmdline_stops_at_double_dash)
{
	KT_ASSERT(cmdline_has("quiet -- /bin/sh -c vmstat", "quiet"));
	KT_ASSERT(!cmdline_has("quiet -- /bin/sh -c vmstat", "vmstat"));
	KT_ASSERT(!cmdline_has("-- test", "test"));
}

/* init's arguments: the words after the first "--" as Linux gives them,
 * none without one, and no more than fit. */
KTEST(cmdline_init_args_after_double_dash)
{
	char buf[32], *argv[5];

	KT_ASSERT_EQ(cmdline_init_args("quiet -- /bin/sh  -c  a--b", buf, sizeof(buf), argv, 4), 3);
	KT_ASSERT_EQ(oracle_strcmp(argv[0], "/bin/sh"), 0);
	KT_ASSERT_EQ(oracle_strcmp(argv[1], "-c"), 0);
	KT_ASSERT_EQ(oracle_strcmp(argv[2], "a--b"), 0);
	KT_ASSERT(argv[3] == NULL);
	KT_ASSERT_EQ(cmdline_init_args("a--b --x test", buf, sizeof(buf), argv, 4), 0);
	KT_ASSERT(argv[0] == NULL);
	KT_ASSERT_EQ(cmdline_init_args("--", buf, sizeof(buf), argv, 4), 0);
	KT_ASSERT_EQ(cmdline_init_args("x -- 1 2 3 4 5 6", buf, sizeof(buf), argv, 4), 4);
	KT_ASSERT_EQ(oracle_strcmp(argv[3], "4"), 0);
	KT_ASSERT(argv[4] == NULL);
	KT_ASSERT_EQ(cmdline_init_args("-- aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa bb", buf, sizeof(buf), argv, 4), 1);
	KT_ASSERT_EQ(cmdline_init_args("-- -- x", buf, sizeof(buf), argv, 4), 2);
	KT_ASSERT_EQ(oracle_strcmp(argv[0], "--"), 0);
}
