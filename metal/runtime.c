/* metal/runtime.c: the C library calls the Embedded Swift runtime and LLVM emit
 * (memset, memcpy, memmove, memcmp, posix_memalign, free).  C because LLVM turns a
 * byte loop written in Swift back into a call to memset/memcpy, which would recurse.
 * The kernel allocates nothing on purpose; posix_memalign serves a small bump arena
 * so that an accidental allocation still works, and reports failure past it. */
#include <stddef.h>
#include <stdint.h>

void *memset(void *dst, int value, size_t count) {
	void *d = dst;
	__asm__ volatile("rep stosb" : "+D"(d), "+c"(count) : "a"(value) : "memory");
	return dst;
}

void *memcpy(void *dst, const void *src, size_t count) {
	void *d = dst;
	__asm__ volatile("rep movsb" : "+D"(d), "+S"(src), "+c"(count) : : "memory");
	return dst;
}

void *memmove(void *dst, const void *src, size_t count) {
	unsigned char *d = dst;
	const unsigned char *s = src;
	if (d <= s || d >= s + count) return memcpy(dst, src, count);
	d += count - 1;
	s += count - 1;
	__asm__ volatile("std; rep movsb; cld" : "+D"(d), "+S"(s), "+c"(count) : : "memory");
	return dst;
}

int memcmp(const void *a, const void *b, size_t count) {
	const unsigned char *x = a, *y = b;
	for (size_t i = 0; i < count; i++)
		if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
	return 0;
}

static unsigned char arena[1 << 16] __attribute__((aligned(4096)));
static size_t arena_used;

int posix_memalign(void **out, size_t alignment, size_t size) {
	if (alignment < 16) alignment = 16;
	size_t start = (arena_used + alignment - 1) & ~(alignment - 1);
	if (start + size > sizeof arena) return 12; /* ENOMEM */
	arena_used = start + size;
	*out = arena + start;
	return 0;
}

void free(void *pointer) { (void)pointer; }

/* The Embedded Swift standard library seeds Hasher from arc4random_buf; the kernel hashes
 * nothing on a path that matters, so the seed is a constant (deterministic runs). */
void arc4random_buf(void *buffer, size_t count) { memset(buffer, 0x5A, count); }
