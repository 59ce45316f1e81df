/// KPTI on a CPU: user page tables that map only the entry area (Linux's `cpu_entry_area`)
/// and the user pages. An interrupt from CPL 3 makes the CPU read RSP0 from the TSS through
/// the user tables (SDM vol. 3 §6.14.4 "Stack Switching in IA-32e Mode"), so a TSS outside
/// the entry area faults there. Brian Gerst, 2019-11-07: "The TSS has to be at a fixed address
/// in the cpu_entry_area so that it is visible when running in usermode".
enum Isolation {
  /// `K`: INT 0x80 from CPL 3 under the user tables with TR on (1) the TSS in the entry area,
  /// (2) a TSS outside it, and (3) that TSS without isolation. Prints
  /// `@@K fixed|outside|outside-without-kpti VECTOR DETAIL` (0x80: the call arrived; 8: #DF).
  ///
  /// The outside TSS starts 0x20 bytes before the entry area: its RSP0 lies on a page the user
  /// tables do not map, its IST slots inside the entry area. The INT's stack switch faults
  /// (#PF), delivering the #PF faults the same way, and the CPU raises #DF, whose IST1 stack
  /// it can still reach. Were the whole TSS outside, even #DF could not be delivered and the
  /// CPU would shut down (triple fault).
  static func demonstrate() {
    trapPolicy = .leave
    Descriptors.setStacks(tss: Layout.fixedTSS)
    Descriptors.setStacks(tss: Layout.straddlingTSS)
    Memory.store16(Layout.fixedTSS + 0x66, 0x68)
    Memory.store16(Layout.straddlingTSS + 0x66, 0x68)
    attempt("fixed", selector: Selector.fixedTSS, base: Layout.fixedTSS, isolated: true)
    attempt("outside", selector: Selector.straddlingTSS, base: Layout.straddlingTSS, isolated: true)
    attempt("outside-without-kpti", selector: Selector.straddlingTSS, base: Layout.straddlingTSS, isolated: false)
    Descriptors.setStacks(tss: Layout.linuxTSS)
    Descriptors.loadTSS(Selector.tss, base: Layout.linuxTSS, limit: LinuxLayout.limit)
  }

  /// `W`: INT 0x80 from CPL 3 under the user tables with TR on a TSS wholly outside the entry
  /// area (Linux's per-CPU TSS region of this kernel). The #PF of the stack switch cannot be
  /// delivered, nor the #DF (its IST1 pointer is in the unreachable TSS too): the CPU shuts down
  /// (SDM vol. 3 §6.15 "Interrupt 8": a fault while delivering #DF), and QEMU with -no-reboot
  /// exits. Prints `@@I whole-outside begin` first; `@@K whole-outside VECTOR DETAIL` only if
  /// the CPU came back.
  static func wholeOutside() {
    trapPolicy = .leave
    LinuxLayout.setUp(Layout.linuxTSS)
    Serial.text("@@I whole-outside begin\n")
    attempt("whole-outside", selector: Selector.tss, base: Layout.linuxTSS, isolated: true)
  }

  private static func attempt(_ name: StaticString, selector: UInt16, base: UInt64, isolated: Bool) {
    Descriptors.loadTSS(selector, base: base, limit: 0x67)
    Paging.setIsolation(isolated)
    let result = runUser(userSyscallEntry())
    Paging.setIsolation(false)
    Descriptors.clearBusy(selector)
    Serial.text("@@K ")
    Serial.text(name)
    Serial.space()
    Serial.hex(Excursion.vector(result))
    Serial.space()
    Serial.hex(Excursion.detail(result))
    Serial.newline()
  }
}
