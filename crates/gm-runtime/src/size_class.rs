//! Go's allocation size classes: how much memory an allocation of a given
//! size really gets (`runtime/sizeclasses.go`, `runtime/msize.go`). Slice
//! capacities after `append` and conversions, and the spare overflow buckets
//! of a map's bucket array, depend on it.

/// Object sizes Go's allocator hands out for small objects (Go 1.23's
/// size classes, class 0 omitted). Every size above 1024 is a multiple
/// of 128 and every size up to 1024 a multiple of 8, so "the first class at
/// least as large" is exactly the rounding of Go's lookup tables.
const SIZE_CLASSES: [u32; 67] = [
    8, 16, 24, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224, 240, 256, 288, 320, 352,
    384, 416, 448, 480, 512, 576, 640, 704, 768, 896, 1024, 1152, 1280, 1408, 1536, 1792, 2048,
    2304, 2688, 3072, 3200, 3456, 4096, 4864, 5376, 6144, 6528, 6784, 6912, 8192, 9472, 9728,
    10240, 10880, 12288, 13568, 14336, 16384, 18432, 19072, 20480, 21760, 24576, 27264, 28672,
    32768,
];
/// The largest small object.
const MAX_SMALL_SIZE: usize = 32768;
/// Large objects are rounded up to whole pages of this size.
const PAGE_SIZE: usize = 8192;
/// Objects with pointers above this size carry an 8-byte header inside
/// their size class (Go 1.22+), which `append` cannot use.
const MIN_SIZE_FOR_MALLOC_HEADER: usize = 512;
const MALLOC_HEADER_SIZE: usize = 8;

/// Go: `runtime.roundupsize`: the usable size of an allocation of `size`
/// bytes; `noscan` says the memory holds no pointers.
pub fn roundupsize(size: usize, noscan: bool) -> usize {
    if size == 0 {
        return 0;
    }
    if size <= MAX_SMALL_SIZE - MALLOC_HEADER_SIZE {
        let header = if !noscan && size > MIN_SIZE_FOR_MALLOC_HEADER {
            MALLOC_HEADER_SIZE
        } else {
            0
        };
        let want = size + header;
        let class = SIZE_CLASSES
            .iter()
            .map(|&c| c as usize)
            .find(|&c| c >= want)
            .unwrap_or(MAX_SMALL_SIZE);
        return class - header;
    }
    match size.checked_add(PAGE_SIZE - 1) {
        Some(s) => s & !(PAGE_SIZE - 1),
        None => size,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_to_size_classes() {
        assert_eq!(roundupsize(0, true), 0);
        assert_eq!(roundupsize(1, true), 8);
        assert_eq!(roundupsize(33, true), 48);
        assert_eq!(roundupsize(1025, true), 1152);
        assert_eq!(roundupsize(1032, false), 1144);
        assert_eq!(roundupsize(40000, true), 40960);
    }
}
