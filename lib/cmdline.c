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

bool cmdline_find(const char *cmdline, const char *key, const char **val, size_t *val_len)
{
	size_t klen = strlen(key);
	bool found = false;
	const char *s = skip_spaces(cmdline);

	while (*s) {
		const char *word = s;
		size_t wlen = 0;

		while (s[wlen] && !is_space(s[wlen]))
			wlen++;
		if (wlen == 2 && memcmp(word, "--", 2) == 0)
			break;          /* the rest is init's, as on Linux */
		if (wlen >= klen && memcmp(word, key, klen) == 0 &&
		    (wlen == klen || word[klen] == '=')) {
			found = true;
			*val = wlen == klen ? word + wlen : word + klen + 1;
			*val_len = wlen == klen ? 0 : wlen - klen - 1;
		}
		s = skip_spaces(word + wlen);
	}
	return found;
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
