import IOPBTrace

/// The names Linux gives its kernel threads (`kthread_create()` callers across `kernel/`,
/// `mm/`, `fs/` and drivers) and io_uring's workers, which never return to user mode either:
/// for tasks a trace shows without their fork (kthreadd's children are kernel threads by their
/// parent). A heuristic, inferred from those names; a user task so named would be taken for a
/// kernel thread (docs/replay.md).
enum KernelThreadNames {
  static let prefixes: [String] = [
    "kthreadd", "kworker/", "ksoftirqd/", "migration/", "rcu_", "rcuog/", "rcuop/", "cpuhp/", "idle_inject/",
    "watchdog", "irq/", "kswapd", "kcompactd", "khugepaged", "ksmd", "kauditd", "khungtaskd", "oom_reaper",
    "kblockd", "kintegrityd", "kdevtmpfs", "kthrotld", "writeback", "jbd2/", "ext4-", "scsi_", "ata_sff",
    "mm_percpu_wq", "netns", "inet_frag_wq", "blkcg_punt_bio", "edac-poller", "devfreq_wq", "kstrp", "zswap",
    "ipv6_addrconf", "kmpath", "kaluad", "xfs-", "xfsaild/", "nvme-", "md_", "dm_", "kdmflush", "kcryptd",
    "hwrng", "psimon", "pool_workqueue_",
    // io_uring's workers: user threads that never leave the kernel (`create_io_thread()`
    // traces no sched_process_fork, so they are first seen by name).
    "iou-wrk-", "iou-sqp-",
  ]

  private static let names: [[UInt8]] = prefixes.map { Array($0.utf8) }

  /// True when `name` starts like a kernel thread's.
  static func matches(_ name: TaskName) -> Bool {
    let bytes = name.bytes
    return names.contains { bytes.starts(with: $0) }
  }
}
