/// COM1 (0x3F8), polled: the protocol channel to the host. Every protocol line starts "@@".
enum Serial {
  static let port: UInt16 = 0x3F8

  static func initialise() {
    outb(port + 1, 0x00)  // no interrupts
    outb(port + 3, 0x80)  // DLAB
    outb(port + 0, 0x01)  // 115200 baud
    outb(port + 1, 0x00)
    outb(port + 3, 0x03)  // 8N1
    outb(port + 2, 0xC7)  // FIFO
    outb(port + 4, 0x03)
  }

  static func byte(_ value: UInt8) {
    while inb(port + 5) & 0x20 == 0 {}
    outb(port, value)
  }

  static func text(_ value: StaticString) {
    value.withUTF8Buffer { for b in $0 { byte(b) } }
  }

  static func hex(_ value: UInt64) {
    var started = false
    var shift: UInt64 = 60
    while true {
      let digit = UInt8((value >> shift) & 0xF)
      if digit != 0 || started || shift == 0 {
        started = true
        byte(digit < 10 ? 0x30 + digit : 0x57 + digit)
      }
      if shift == 0 { break }
      shift -= 4
    }
  }

  static func decimal(_ value: UInt64) {
    if value >= 10 { decimal(value / 10) }
    byte(0x30 + UInt8(value % 10))
  }

  static func space() { byte(0x20) }
  static func newline() { byte(0x0A) }
}

/// Ends the run through QEMU's isa-debug-exit (port 0xF4): QEMU exits with 2 × code + 1.
func powerOff(_ code: UInt8) -> Never {
  outb(0xF4, code)
  halt()
}

/// Reports a kernel-side failure and stops.
func panic(_ message: StaticString, _ value: UInt64 = 0) -> Never {
  Serial.text("@@E ")
  Serial.text(message)
  Serial.space()
  Serial.hex(value)
  Serial.newline()
  powerOff(3)
}
