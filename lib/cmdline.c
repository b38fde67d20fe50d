/* Parsing of the kernel command line; see <pagoda/cmdline.h>. */
#include <pagoda/cmdline.h>
#include <pagoda/errno.h>
#include <pagoda/string.h>

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

static const char *skip_spaces(const char *s)
{
	while (is_space(*s))
		s++;
	return s;
}

const char *cmdline_skip_image_name(const char *cmdline)
{
	const char *s = skip_spaces(cmdline), *end = s;
	bool has_path_char = false;

	for (; *end && !is_space(*end); end++) {
		if (*end == '=')
			return s;
		if (*end == '/' || *end == '.')
			has_path_char = true;
	}
	return has_path_char ? skip_spaces(end) : s;
}

/* The word at s (spaces before it skipped): its start, its length in *len
 * (0 at the end of the line). */
static const char *next_word(const char *s, size_t *len)
{
	s = skip_spaces(s);
	for (*len = 0; s[*len] && !is_space(s[*len]); (*len)++)
		;
	return s;
}

static bool is_double_dash(const char *word, size_t len)
{
	return len == 2 && memcmp(word, "--", 2) == 0;
}

bool cmdline_find(const char *cmdline, const char *key, const char **val, size_t *val_len)
{
	size_t klen = strlen(key), wlen;
	bool found = false;

	for (const char *w = next_word(cmdline, &wlen); wlen; w = next_word(w + wlen, &wlen)) {
		if (is_double_dash(w, wlen))
			break;          /* the rest is init's, as on Linux */
		if (wlen >= klen && memcmp(w, key, klen) == 0 && (wlen == klen || w[klen] == '=')) {
			found = true;
			*val = wlen == klen ? w + wlen : w + klen + 1;
			*val_len = wlen == klen ? 0 : wlen - klen - 1;
		}
	}
	return found;
}

int cmdline_init_args(const char *cmdline, char *buf, size_t size, char **argv, int max)
{
	size_t wlen, used = 0;
	const char *w = next_word(cmdline, &wlen);
	int argc = 0;

	while (wlen && !is_double_dash(w, wlen))
		w = next_word(w + wlen, &wlen);
	if (!wlen)
		goto out;
	for (w = next_word(w + wlen, &wlen); wlen && argc < max; w = next_word(w + wlen, &wlen)) {
		if (used + wlen + 1 > size)
			break;
		memcpy(buf + used, w, wlen);
		buf[used + wlen] = '\0';
		argv[argc++] = buf + used;
		used += wlen + 1;
	}
out:
	argv[argc] = NULL;
	return argc;
}

bool cmdline_has(const char *cmdline, const char *key)
{
	const char *val;
	size_t len;

	return cmdline_find(cmdline, key, &val, &len);
}

int cmdline_get_long(const char *cmdline, const char *key, long *out)
{
	const char *val;
	size_t len, i = 0;
	bool negative = false;
	unsigned long v = 0, base = 10, limit;

	if (!cmdline_find(cmdline, key, &val, &len))
		return -ENOENT;
	if (i < len && val[i] == '-') {
		negative = true;
		i++;
	}
	if (len - i > 2 && val[i] == '0' && (val[i + 1] == 'x' || val[i + 1] == 'X')) {
		base = 16;
		i += 2;
	}
	if (i == len)
		return -EINVAL;
	limit = negative ? (unsigned long)__LONG_MAX__ + 1 : (unsigned long)__LONG_MAX__;
	for (; i < len; i++) {
		char c = val[i];
		unsigned long d;

		if (c >= '0' && c <= '9')
			d = (unsigned long)(c - '0');
		else if (base == 16 && c >= 'a' && c <= 'f')
			d = (unsigned long)(c - 'a' + 10);
		else if (base == 16 && c >= 'A' && c <= 'F')
			d = (unsigned long)(c - 'A' + 10);
		else
			return -EINVAL;
		if (v > (limit - d) / base)
			return -EINVAL;
		v = v * base + d;
	}
	*out = negative ? (long)(0 - v) : (long)v;
	return 0;
}

int cmdline_get_str(const char *cmdline, const char *key, char *buf, size_t size)
{
	const char *val;
	size_t len;

	if (!cmdline_find(cmdline, key, &val, &len))
		return -ENOENT;
	if (size == 0)
		return -ENAMETOOLONG;
	if (len >= size) {
		memcpy(buf, val, size - 1);
		buf[size - 1] = '\0';
		return -ENAMETOOLONG;
	}
	memcpy(buf, val, len);
	buf[len] = '\0';
	return 0;
}
