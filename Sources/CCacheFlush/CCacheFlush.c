#include "CCacheFlush.h"

#if defined(__x86_64__) || defined(__i386__)
int iopb_can_flush(void) { return 1; }

void iopb_flush_range(const void *start, size_t length) {
	const char *p = (const char *)((unsigned long)start & ~63UL);
	const char *end = (const char *)start + length;
	for (; p < end; p += 64)
		__builtin_ia32_clflush(p);
	__builtin_ia32_mfence();
}
#else
int iopb_can_flush(void) { return 0; }
void iopb_flush_range(const void *start, size_t length) { (void)start; (void)length; }
#endif
