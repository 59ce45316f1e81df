import IOPBCPU
import IOPBCost
import IOPBKernel

/// Thomas Gleixner's V2 06/16 as posted (`v2-06-16`), with the hole Andy Lutomirski found in its
/// review: `ksys_ioperm()` made the base valid on a thread's first call and copied only the
/// caller's bytes into the TSS in place, over whatever another thread left there.
///
/// Sources: "[patch V2 06/16] x86/io: Speedup schedule out of I/O bitmap user"
/// (`<20191111223052.086299881@linutronix.de>`, series `<20191111220314.519933535@linutronix.de>`,
/// 2019-11-11) on top of v5.4's `ksys_ioperm()`; Andy Lutomirski's reply
/// (`<CALCETrUcY_DhZC8CH0NhoRp_r6mh4v1Z2dmhsdErV8wx6FsLaw@mail.gmail.com>`): "Task A uses
/// ioperm() to enable all ports. Switch to task B. Now the TSS base is INVALID but all bitmap
/// bits are still 0. Task B calls ioperm() [...] the copy will only update the bits 0 through
/// whatever ioperm() touched and not the bits above that in the TSS"; tglx's answer
/// (`<alpine.DEB.2.21.1911121807260.1833@nanos.tec.linutronix.de>`): "Yeah, you are right". V3
/// replaced the first-call logic ("x86/ioperm: Simplify first ioperm() invocation logic").
///
/// What the patch does, as modelled:
/// - `switch_to_bitmap(next, tifp, tifn)`: to a thread with TIF_IO_BITMAP, copy
///   `max(tss->io_bitmap_prev_max, next->io_bitmap_max)` bytes, record `prev_max`, store the
///   valid base, `refresh_tss_limit()`; else, from a thread with it, store the invalid base.
/// - `ksys_ioperm()`: on the first call (no `io_bitmap_ptr` yet) store the valid base and
///   `refresh_tss_limit()`; then, every call, `memcpy(tss->io_bitmap, t->io_bitmap_ptr,
///   bytes_updated)` with `bytes_updated = max(bytes, t->io_bitmap_max)`, the caller's new and
///   old extents. `prev_max` is not raised, so the zero bits copied in place also escape the
///   next switch's cleanup (a break of I1 the invariants report).
/// - `exit_thread()`: the invalid base, no memset.
///
/// `t->io_bitmap_max` is kept per thread (``State/ioBitmapMax``), as the extent of the thread's
/// bitmap when it last came onto a CPU or changed it. Departures: `iopl(3)` points the base at
/// the all-zero `mapall` of V2 14/16 (c8137ace5638), as `v1-invalidate` does, and dropping from
/// level 3 installs the bitmap as a switch would; an `ioperm` that drops every port copies the
/// ones over the old extent as 06/16 did but then stores the invalid base, since the kernel
/// model (≥ 5.5) frees the bitmap and clears the flag where 06/16 kept an all-ones bitmap;
/// a first `ioperm` turning ports off allocates nothing in the kernel model (V3's "Avoid bitmap
/// allocation if no permissions are set"), where 06/16 allocated an all-ones bitmap, made the
/// base valid and copied 8 bytes, reaching the same hole with any arguments; Andy's first point
/// (preemption between the base store and the copy) is not modelled, a system call being one
/// step. Not in ``StrategyCatalog/all``: a checker target
/// (``StrategyCatalog/variants``).
public struct V2SpeedupScheduleOutStrategy: SwitchStrategy {
  public struct State: PerCPUTSSState {
    public var cpus: PerCPU<PlainCPU>
    /// `t->io_bitmap_max` of each live thread the design has seen: the byte extent of its
    /// bitmap (0 without one) when it last came onto a CPU or changed its permissions.
    public var ioBitmapMax: IDTable<ThreadID, Int>
  }

  public init() {}

  public var name: String { "v2-06-16" }

  /// Where the design comes from (``SwitchStrategy/origin``).
  public var origin: String { "2019 thread: Gleixner, [patch V2 06/16] x86/io: Speedup schedule out of I/O bitmap user" }

  /// What a switch does, in one line (``SwitchStrategy/mechanism``).
  public var mechanism: String { "invalidate when a bitmap user leaves; a first ioperm() sets a valid base, copies its own bytes" }

  public func makeState(cpuCount: Int, kernel: KernelConfiguration) -> State {
    State(cpus: PerCPU(repeating: PlainCPU(tss: BitmapTSS(portCount: kernel.portCount)), count: cpuCount), ioBitmapMax: [:])
  }

  /// `switch_to_bitmap(next, tifp, tifn)`.
  public func contextSwitch(
    on cpu: CPUID, from previous: ThreadID?, to next: ThreadID?, in context: inout Context
  ) {
    let kernel = context.kernel
    if let next { context.state.ioBitmapMax[next] = kernel.bitmap(of: next)?.maxBytes ?? 0 }
    if let next, kernel[next].needsIOBitmapUpdate {
      install(next, view: PortView(of: next, in: kernel), on: cpu, in: &context)
    } else if let previous, kernel[previous].needsIOBitmapUpdate {
      context.state.cpus[cpu].tss.setBase(context.state.cpus[cpu].tss.layout.invalid, counts: &context.counts)
    }
  }

  /// `ksys_ioperm()` as 06/16 left it, or, after `iopl` and exit, what the graft and
  /// `exit_thread()` do.
  public func permissionsChanged(on cpu: CPUID, thread: ThreadID, in context: inout Context) {
    let kernel = context.kernel
    let view = PortView(of: thread, in: kernel)
    let layout = context.state.cpus[cpu].tss.layout
    let oldMax = context.state.ioBitmapMax[thread] ?? 0
    let newMax = kernel.bitmap(of: thread)?.maxBytes ?? 0
    context.state.ioBitmapMax[thread] = newMax
    switch view {
    case .all:
      install(thread, view: view, on: cpu, in: &context)
    case .map where context.state.cpus[cpu].tss.base == layout.validAll:
      // Down from level 3: the bitmap takes effect again, as at a switch.
      install(thread, view: view, on: cpu, in: &context)
    case .map:
      guard let bitmap = kernel.bitmap(of: thread) else { return }
      if oldMax == 0 {
        // "Make the bitmap base in the TSS valid": the first call, whatever the map holds.
        context.state.cpus[cpu].tss.setBase(layout.validMap, counts: &context.counts)
        context.state.cpus[cpu].tss.refreshLimit(counts: &context.counts)
      }
      context.state.cpus[cpu].tss.copy(bitmap, range: 0..<max(newMax, oldMax), counts: &context.counts)
    case .none:
      if kernel.isAlive(thread), oldMax > 0 {
        // ksys_ioperm() dropping every port: 06/16 copied the all-ones bitmap over its old extent.
        let ones = IOBitmap(portCount: kernel.portCount)
        context.state.cpus[cpu].tss.copy(ones, range: 0..<oldMax, counts: &context.counts)
      }
      context.state.cpus[cpu].tss.setBaseIfChanged(layout.invalid, counts: &context.counts)
    }
  }

  /// A switch's install: the bitmap copied over `prev_max` with the valid base, or `mapall`.
  func install(_ thread: ThreadID, view: PortView, on cpu: CPUID, in context: inout Context) {
    if case .map = view, let bitmap = context.kernel.bitmap(of: thread) {
      context.state.cpus[cpu].tss.copyOver(bitmap, counts: &context.counts)
    }
    context.state.cpus[cpu].tss.point(at: view, rewriting: .always, counts: &context.counts)
  }

  public func threadExited(_ thread: ThreadID, on cpu: CPUID, in context: inout Context) {
    context.state.ioBitmapMax[thread] = nil
  }

  /// I1 and I2 of every TSS and I4 (a valid base only while the current thread has
  /// TIF_IO_BITMAP). I1 breaks as soon as an `ioperm` copies zero bits past `prev_max`.
  public func invariantViolations(
    in state: State, kernel: Kernel, currents: PerCPU<ThreadID?>
  ) -> [InvariantViolation] {
    invariantViolations(in: state, kernel: kernel, currents: currents, within: .everything)
  }

  /// The same rules at the CPUs in `scope`.
  public func invariantViolations(
    in state: State, kernel: Kernel, currents: PerCPU<ThreadID?>, within scope: InvariantScope
  ) -> [InvariantViolation] {
    var problems = state.layoutViolations(within: scope)
    for cpu in state.cpus.indices where scope.contains(cpu) {
      let current = currents.indices.contains(cpu) ? currents[cpu] : nil
      if state.cpus[cpu].tss.validBaseWithoutFlag(current: current, kernel: kernel) {
        problems.append(InvariantViolation(.validBaseWithoutFlag, at: .cpu(cpu)))
      }
    }
    return problems
  }
}
