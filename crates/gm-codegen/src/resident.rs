//! The compiler's pages leave the resident set before the program runs.
//!
//! Compiling touches megabytes of gm's own code and read-only data
//! (Cranelift above all) that the program never uses, yet they would count
//! in its memory for as long as it runs. Those pages are clean copies of
//! the executable file, so dropping them from the process loses nothing: a
//! page used again (the runtime's code) is mapped back from the page cache
//! on its first touch, a minor fault.

/// Drops the mappings of the read-only segments of the executable and of
/// the shared libraries (the C library's code above all), and returns the
/// compiler's freed heap memory to the system. Writable segments, and the
/// relocated read-only part of them (RELRO), hold this process's own data
/// and are left alone.
pub fn release_compiler_pages() {
    if traced() {
        // A debugger's breakpoints are private copies of code pages, which
        // dropping the pages would silently take away.
        return;
    }
    // SAFETY: the callback only reads the program headers the loader
    // passes it, and drops mappings of segments that are never written,
    // which the kernel then maps again from the file when touched;
    // malloc_trim only releases free pages of glibc's own arenas.
    #[cfg(target_os = "linux")]
    unsafe {
        libc::dl_iterate_phdr(Some(each_object), std::ptr::null_mut());
        libc::malloc_trim(0);
    }
}

/// Whether a debugger (or any ptrace tracer) is attached.
fn traced() -> bool {
    std::fs::read_to_string("/proc/self/status").is_ok_and(|s| {
        s.lines()
            .find_map(|l| l.strip_prefix("TracerPid:"))
            .is_some_and(|pid| pid.trim() != "0")
    })
}

#[cfg(target_os = "linux")]
unsafe extern "C" fn each_object(
    info: *mut libc::dl_phdr_info,
    _size: usize,
    _data: *mut std::ffi::c_void,
) -> std::ffi::c_int {
    // SAFETY: the loader passes a valid entry whose `dlpi_phdr` holds
    // `dlpi_phnum` headers.
    let (info, phdrs) = unsafe {
        let info = &*info;
        let phdrs = std::slice::from_raw_parts(info.dlpi_phdr, usize::from(info.dlpi_phnum));
        (info, phdrs)
    };
    // The kernel's own code page (vDSO) is not the file's to drop.
    // SAFETY: `dlpi_name` is null or a NUL-terminated name.
    if !info.dlpi_name.is_null()
        && unsafe { std::ffi::CStr::from_ptr(info.dlpi_name) }
            .to_bytes()
            .starts_with(b"linux-vdso")
    {
        return 0;
    }
    // SAFETY: plain query.
    let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) }.max(1) as usize;
    let span = |p: &libc::Elf64_Phdr| {
        let start = info.dlpi_addr as usize + p.p_vaddr as usize;
        (start, start + p.p_memsz as usize)
    };
    let relro = phdrs
        .iter()
        .find(|p| p.p_type == libc::PT_GNU_RELRO)
        .map(span);
    for p in phdrs {
        if p.p_type != libc::PT_LOAD || p.p_flags & libc::PF_W != 0 {
            continue;
        }
        let (start, end) = span(p);
        if relro.is_some_and(|(s, e)| s < end && start < e) {
            continue;
        }
        // Whole pages only: a page shared with a neighbouring segment stays.
        let (start, end) = (start.next_multiple_of(page), end / page * page);
        if start < end {
            // SAFETY: the range is whole pages of a read-only file mapping
            // of this executable; failure only leaves them resident.
            unsafe { libc::madvise(start as *mut _, end - start, libc::MADV_DONTNEED) };
        }
    }
    0
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    /// The file-backed part of this process's resident set, in kB.
    fn rss_file_kb() -> usize {
        let status = std::fs::read_to_string("/proc/self/status").unwrap();
        let line = status.lines().find(|l| l.starts_with("RssFile:")).unwrap();
        line.split_whitespace().nth(1).unwrap().parse().unwrap()
    }

    #[test]
    fn the_executables_pages_leave_and_come_back() {
        let before = rss_file_kb();
        super::release_compiler_pages();
        let after = rss_file_kb();
        assert!(after < before, "RssFile {before} kB -> {after} kB");
        // Code and read-only data are still there when touched again.
        let text = format!("{:?}", (1..4).map(|i| i * 2).collect::<Vec<_>>());
        assert_eq!(text, "[2, 4, 6]");
    }
}
