/// The built-in workloads, each modelling a real kind of `ioperm`/`iopl` user among ordinary
/// processes. Port numbers are the conventional PC ones; rates and burst lengths are plausible
/// values chosen here, not measurements.
extension Workload {
  /// Every built-in workload, in report order.
  public static let builtIn: [Workload] = [
    .rtPoller, .hwclock, .superIO, .dosemu, .xServerIOPL, .forkHeavy, .migrationHeavy, .highPort,
    .sharedThreads,
  ]

  public static var builtInNames: [String] { builtIn.map(\.name) }

  /// Reproductions of published measurements, run by name but not by default (costs.md §2):
  /// `molnar-yield-none`, `molnar-yield-0x80`, `molnar-yield-0xffff` (Molnar's original
  /// program, both threads holding the bitmap), `molnar-updated-0x80`, `molnar-updated-0xffff`
  /// (his updated program, one holder).
  public static let reproductions: [Workload] = [
    .molnarYield(port: nil), .molnarYield(port: 0x80), .molnarYield(port: 0xffff),
    .molnarYield(port: 0x80, holders: 1), .molnarYield(port: 0xffff, holders: 1),
  ]

  /// Every name ``builtIn(named:)`` accepts.
  public static var knownNames: [String] { (builtIn + reproductions).map(\.name) }

  /// The built-in workload or reproduction called `name`, or nil.
  public static func builtIn(named name: String) -> Workload? {
    (builtIn + reproductions).first { $0.name == name }
  }

  /// CPU-bound user processes that never touch ports (compilers, batch jobs).
  static func busy(_ count: Int) -> Program {
    var program = Program(name: "busy", instances: count)
    // Streams through its data: a few GB/s (chosen here).
    program.touchBytesPerMicrosecond = 4000
    return program
  }

  /// Interactive user processes that block often (shells, editors, daemons).
  static func interactive(_ count: Int, migrationPermille: Int = 0) -> Program {
    var spec = Program(name: "interactive", instances: count)
    spec.touchBytesPerMicrosecond = 500
    spec.runMicroseconds = 50...500
    spec.sleep = .random(500...5000)
    spec.migrationPermille = migrationPermille
    return spec
  }

  /// A user-space real-time control loop (LinuxCNC-style parallel-port or ISA DIO polling)
  /// that wakes at 1 kHz, reads and writes a few ports, and sleeps, pinned to CPU 1 among
  /// CPU-bound and interactive processes that never use ports.
  public static let rtPoller: Workload = {
    var poller = Program(name: "poller")
    poller.cpu = 1
    poller.privileged = true
    poller.realtime = true
    poller.grants = [.ioperm(from: 0x378, count: 3)]
    poller.ports = [0x378, 0x379, 0x37a]
    poller.accessesPerRun = 4
    poller.runMicroseconds = 10...30
    poller.sleep = .periodic(1000)
    return Workload(
      name: "rt-poller", summary: "RT thread polling 3 ports at 1 kHz among busy processes", cpuCount: 2,
      duration: .ticks(500), programs: [poller, busy(4), interactive(4)])
  }()

  /// `hwclock` run from cron, NTP or shutdown scripts: a short-lived root process forked by a
  /// shell, which takes `ioperm(0x70, 2)` to read the CMOS RTC, polls the update-in-progress
  /// bit, and exits.
  public static let hwclock: Workload = {
    var cron = Program(name: "cron")
    cron.privileged = true
    cron.runMicroseconds = 100...300
    cron.sleep = .random(5000...20000)
    cron.forking = Program.Forking(every: 1, child: "hwclock")
    var child = Program(name: "hwclock", instances: 0)
    child.grants = [.ioperm(from: 0x70, count: 2)]
    child.ports = [0x70, 0x71]
    child.accessesPerRun = 20
    child.runMicroseconds = 100...300
    child.sleep = .random(200...1000)
    child.burstsBeforeExit = 4
    return Workload(
      name: "hwclock", summary: "short-lived ioperm(0x70, 2) RTC readers forked by cron",
      cpuCount: 2, duration: .ticks(1000), programs: [cron, child, busy(3), interactive(2)])
  }()

  /// A hardware-monitoring daemon (lm-sensors' `isadump`-style readers, fancontrol helpers)
  /// reading a Super I/O chip's environment controller through its index/data ports at
  /// 0x295/0x296 (ISA base 0x290) a few times a second.
  public static let superIO: Workload = {
    var sensors = Program(name: "sensord")
    sensors.privileged = true
    sensors.grants = [.ioperm(from: 0x290, count: 8)]
    sensors.ports = [0x295, 0x296]
    sensors.accessesPerRun = 16
    sensors.runMicroseconds = 50...150
    sensors.sleep = .random(10_000...40_000)
    return Workload(
      name: "superio", summary: "sensor daemon reading Super I/O ports 0x295/0x296",
      cpuCount: 2, duration: .ticks(800), programs: [sensors, busy(2), interactive(4)])
  }()

  /// DOSEMU running a DOS program with direct hardware access: it grants a handful of ranges
  /// below 0x400 (VGA, LPT1, COM1/COM2, game port) and traps the rest, emulating the CPU
  /// between port accesses; now and then its console is switched away and back, and it drops
  /// and retakes the VGA range.
  public static let dosemu: Workload = {
    var dosemu = Program(name: "dosemu")
    dosemu.privileged = true
    dosemu.grants = [
      .ioperm(from: 0x3b0, count: 0x30), .ioperm(from: 0x378, count: 3),
      .ioperm(from: 0x3f8, count: 8), .ioperm(from: 0x2f8, count: 8), .ioperm(from: 0x201, count: 1),
    ]
    dosemu.ports = [0x3c4, 0x3c5, 0x3d4, 0x3d5, 0x3da, 0x378, 0x379, 0x3f8, 0x3fd, 0x2f8, 0x201]
    dosemu.accessesPerRun = 32
    dosemu.runMicroseconds = 200...2000
    dosemu.sleep = .random(100...2000)
    dosemu.regrantEvery = 50
    return Workload(
      name: "dosemu", summary: "DOSEMU with VGA, LPT, COM and game ports (all below 0x400)",
      cpuCount: 2, duration: .ticks(1000), programs: [dosemu, busy(2), interactive(3)])
  }()

  /// An old XFree86/Xorg server that takes `iopl(3)` to program VGA registers directly,
  /// serving interactive clients; on a VT switch away and back it drops to `iopl(0)` and
  /// raises again.
  public static let xServerIOPL: Workload = {
    var server = Program(name: "Xorg")
    server.privileged = true
    server.grants = [.iopl3]
    server.ports = [0x3c0, 0x3c4, 0x3c5, 0x3ce, 0x3cf, 0x3d4, 0x3d5, 0x3da]
    server.accessesPerRun = 8
    server.runMicroseconds = 100...800
    server.sleep = .random(500...8000)
    server.regrantEvery = 100
    return Workload(
      name: "x-server-iopl", summary: "X server with iopl(3) poking VGA registers",
      cpuCount: 2, duration: .ticks(800), programs: [server, interactive(6), busy(2)])
  }()

  /// A pre-forking daemon holding `ioperm` (a parallel-port or lab-equipment server) whose
  /// workers inherit and share its bitmap, each serving a few requests and exiting.
  public static let forkHeavy: Workload = {
    var parent = Program(name: "daemon")
    parent.privileged = true
    parent.grants = [.ioperm(from: 0x378, count: 3)]
    parent.ports = [0x379]
    parent.accessesPerRun = 1
    parent.runMicroseconds = 50...150
    parent.sleep = .random(1000...3000)
    parent.forking = Program.Forking(every: 1, child: "worker")
    var worker = Program(name: "worker", instances: 0)
    worker.ports = [0x378, 0x379, 0x37a]
    worker.accessesPerRun = 4
    worker.runMicroseconds = 50...300
    worker.sleep = .random(200...2000)
    worker.burstsBeforeExit = 5
    return Workload(
      name: "fork-heavy", summary: "ioperm daemon forking workers that share its bitmap",
      cpuCount: 2, duration: .ticks(600), programs: [parent, worker, busy(2)])
  }()

  /// Three unpinned user-space drivers with different bitmaps (LPT, serial, sensors) that the
  /// load balancer moves between four CPUs on most wakeups, among migrating interactive processes.
  public static let migrationHeavy: Workload = {
    func driver(_ name: String, _ from: UInt16, _ count: Int) -> Program {
      var spec = Program(name: name)
      spec.privileged = true
      spec.grants = [.ioperm(from: from, count: count)]
      spec.ports = [from, from + UInt16(count - 1)]
      spec.accessesPerRun = 4
      spec.runMicroseconds = 50...300
      spec.sleep = .random(300...3000)
      spec.migrationPermille = 900
      return spec
    }
    return Workload(
      name: "migration-heavy", summary: "3 ioperm drivers migrating across 4 CPUs",
      cpuCount: 4, duration: .ticks(500),
      programs: [
        driver("lpt", 0x378, 3), driver("serial", 0x3f8, 8), driver("sensors", 0x290, 8), busy(4),
        interactive(4, migrationPermille: 500),
      ])
  }()

  /// Two user-space drivers for PCI cards whose I/O BARs the firmware placed at the top of the
  /// port space, each granted one port near 0xFFFF: every bitmap is the full 8 KiB, and the two
  /// alternate on one CPU.
  public static let highPort: Workload = {
    func driver(_ name: String, _ port: UInt16) -> Program {
      var spec = Program(name: name)
      spec.cpu = 0
      spec.privileged = true
      spec.grants = [.ioperm(from: port, count: 1)]
      spec.ports = [port]
      spec.accessesPerRun = 4
      spec.runMicroseconds = 20...100
      spec.sleep = .random(200...1000)
      return spec
    }
    return Workload(
      name: "high-port", summary: "two drivers with one port near 0xFFFF each (8 KiB bitmaps)",
      cpuCount: 2, duration: .ticks(1500), programs: [driver("card0", 0xfff8), driver("card1", 0xffe0), busy(2)])
  }()

  /// A multi-threaded user-space driver (a DPDK-style poll-mode process with legacy virtio
  /// I/O ports) whose eight threads share one bitmap across two CPUs.
  public static let sharedThreads: Workload = {
    var driver = Program(name: "pmd")
    driver.privileged = true
    driver.grants = [.ioperm(from: 0xc000, count: 0x20)]
    driver.ports = [0xc000, 0xc010, 0xc012, 0xc01c]
    driver.accessesPerRun = 4
    driver.runMicroseconds = 30...200
    driver.sleep = .random(100...800)
    driver.threads = 7
    return Workload(
      name: "shared-threads", summary: "8 threads of one process sharing a bitmap on 2 CPUs",
      cpuCount: 2, duration: .ticks(500), programs: [driver, busy(2)])
  }()

  /// Ingo Molnar's `ioperm-latency.c` (costs.md §2): two SCHED_FIFO threads on one CPU handing
  /// it to each other with `sched_yield()`, timed per round trip (two switches); neither makes
  /// a port access. With `port`, `ioperm(port, 1, 1)` came first: the original program
  /// (`<20040821135516.GA3872@elte.hu>`) forked inside `measure()` after it, so both threads
  /// hold a bitmap (`holders` 2, `molnar-yield-…`); the updated one
  /// (`<20040824071928.GA7697@elte.hu>`, for the ioport-cache figures) forked first, so only
  /// one does (`holders` 1, `molnar-updated-…`).
  public static func molnarYield(port: UInt16?, holders: Int = 2, switches: Int = 400) -> Workload {
    var programs = [Program(name: "yield-parent"), Program(name: "yield-child")]
    for index in programs.indices {
      programs[index].cpu = 0
      programs[index].privileged = true
      programs[index].realtime = true
      programs[index].runMicroseconds = 10...10
      programs[index].sleep = .random(1...1)
      if let port, index < holders { programs[index].grants = [.ioperm(from: port, count: 1)] }
    }
    let label = port.map { "0x" + String($0, radix: 16) } ?? "none"
    let program = holders >= 2 ? "yield" : "updated"
    return Workload(
      name: "molnar-\(program)-\(label)",
      summary: "Molnar 2004 ioperm-latency: two RT threads yielding, \(port == nil ? "neither" : holders >= 2 ? "both" : "one") holding a bitmap",
      cpuCount: 1, duration: .switches(switches), programs: programs)
  }
}
