// zlib (Debian's zlib1g-dev, which the Swift toolchain itself needs) for gzip-compressed traces.
#include <zlib.h>
