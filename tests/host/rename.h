/*
 * Forced into every host-test compilation of kernel code (Makefile): the
 * kernel defines functions with the C library's names (memcpy, snprintf...),
 * and the test binary also links the real C library, which ASan intercepts.
 * Prefixing the kernel's versions keeps the two apart, so the tests call
 * exactly the code the kernel runs. tests/host/oracle.c, compiled without
 * this header, gives the tests the C library's versions as a reference.
 */
#define memcpy   pg_memcpy
#define memmove  pg_memmove
#define memset   pg_memset
#define memcmp   pg_memcmp
#define memchr_inv pg_memchr_inv
#define strlen   pg_strlen
#define strnlen  pg_strnlen
#define strcmp   pg_strcmp
#define strncmp  pg_strncmp
#define strchr   pg_strchr
#define strrchr  pg_strrchr
#define strlcpy  pg_strlcpy
#define vsnprintf pg_vsnprintf
#define snprintf pg_snprintf
