// Heap accounting without a C shim: the benchmark defines its own allocation
// entry points under neutral names, and the linker exports them as `malloc`,
// `calloc`, `realloc`, `free`, `aligned_alloc`, `posix_memalign` and `memalign`
// (`--defsym` and `--export-dynamic` in Package.swift). The Swift runtime and
// Foundation therefore allocate through them. Each counts the call, keeps the
// live byte total from glibc's `malloc_usable_size`, and forwards to glibc's
// own implementation (`__libc_malloc` and friends). `isWorking` checks at
// start-up that the interposition took effect. x86-64 Linux only: the
// forwarding declarations rely on the Swift and C conventions agreeing there
// for pointer- and integer-sized arguments.

#if arch(x86_64) && os(Linux)
  @_silgen_name("__libc_malloc") private func libcMalloc(_ size: Int) -> UnsafeMutableRawPointer?
  @_silgen_name("__libc_calloc") private func libcCalloc(_ count: Int, _ size: Int) -> UnsafeMutableRawPointer?
  @_silgen_name("__libc_realloc")
  private func libcRealloc(_ pointer: UnsafeMutableRawPointer?, _ size: Int) -> UnsafeMutableRawPointer?
  @_silgen_name("__libc_memalign") private func libcMemalign(_ alignment: Int, _ size: Int) -> UnsafeMutableRawPointer?
  @_silgen_name("__libc_free") private func libcFree(_ pointer: UnsafeMutableRawPointer?)
  @_silgen_name("malloc_usable_size") private func usableSize(_ pointer: UnsafeMutableRawPointer?) -> Int

  /// Allocation calls since start-up (the benchmark is single-threaded).
  nonisolated(unsafe) private var calls = 0
  /// Bytes in live heap blocks, as glibc sizes them.
  nonisolated(unsafe) private var liveBytes = 0

  private func counted(_ pointer: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
    calls &+= 1
    liveBytes &+= usableSize(pointer)
    return pointer
  }

  @_cdecl("allserved_malloc") public func countingMalloc(_ size: Int) -> UnsafeMutableRawPointer? {
    counted(libcMalloc(size))
  }

  @_cdecl("allserved_calloc") public func countingCalloc(_ count: Int, _ size: Int) -> UnsafeMutableRawPointer? {
    counted(libcCalloc(count, size))
  }

  @_cdecl("allserved_realloc")
  public func countingRealloc(_ pointer: UnsafeMutableRawPointer?, _ size: Int) -> UnsafeMutableRawPointer? {
    liveBytes &-= usableSize(pointer)
    return counted(libcRealloc(pointer, size))
  }

  @_cdecl("allserved_memalign") public func countingMemalign(_ alignment: Int, _ size: Int) -> UnsafeMutableRawPointer? {
    counted(libcMemalign(alignment, size))
  }

  @_cdecl("allserved_posix_memalign")
  public func countingPosixMemalign(
    _ result: UnsafeMutablePointer<UnsafeMutableRawPointer?>, _ alignment: Int, _ size: Int
  ) -> Int32 {
    guard let pointer = counted(libcMemalign(alignment, size)) else { return 12 }  // ENOMEM
    result.pointee = pointer
    return 0
  }

  @_cdecl("allserved_free") public func countingFree(_ pointer: UnsafeMutableRawPointer?) {
    liveBytes &-= usableSize(pointer)
    libcFree(pointer)
  }
#endif

/// Heap accounting for the benchmark.
enum AllocationCounter {
  /// Allocation calls so far.
  static var allocations: Int {
    #if arch(x86_64) && os(Linux)
      calls
    #else
      0
    #endif
  }

  /// Bytes in live heap blocks.
  static var bytesInUse: Int {
    #if arch(x86_64) && os(Linux)
      liveBytes
    #else
      0
    #endif
  }

  /// Whether allocations really reach the counter: a definition the dynamic
  /// linker ignored would report zero for everything.
  static let isWorking: Bool = {
    let before = allocations
    let bytes = bytesInUse
    var array: [Int] = []
    array.append(contentsOf: 0..<1000)
    let grew = allocations > before && bytesInUse >= bytes + 8000
    return grew && array.count == 1000
  }()
}
