/* metal/entry.S: what Swift cannot say (docs/metal.md §"Where Swift stops").
 *
 *  - the Multiboot header and the 32-bit entry that builds boot page tables,
 *    enables long mode and SSE, and calls Swift's metal_main;
 *  - one-instruction wrappers: port I/O, LGDT/LIDT/LTR, INVLPG, CR2/CR3,
 *    RDTSC (serialised), CLFLUSH, HLT;
 *  - the trap entry (one stub per vector, the register frame, the KPTI CR3
 *    switch, IRETQ) and the way into CPL 3 and back (IRETQ out; a trap that
 *    ends the user excursion returns from metal_enter_user);
 *  - the CPL-3 code itself (the user pages).
 */

#define KERNEL_CS 0x08
#define KERNEL_DS 0x10
#define USER_DS   0x1b
#define USER_CS   0x23

/* ------------------------------------------------------------ Multiboot v1 */
	.section .multiboot, "a"
	.align 4
multiboot_header:
	.long 0x1BADB002                 /* magic */
	.long 0x00010003                 /* page-aligned modules, memory info, a.out kludge */
	.long -(0x1BADB002 + 0x00010003)
	.long multiboot_header           /* header_addr */
	.long __load_start               /* load_addr */
	.long __load_end                 /* load_end_addr */
	.long __bss_end                  /* bss_end_addr */
	.long metal_start32              /* entry_addr */

/* ------------------------------------------------------ 32-bit entry point */
	.section .boot, "ax"
	.code32
	.globl metal_start32
metal_start32:
	cli
	movl %ebx, %esi                  /* Multiboot information */
	/* zero .bss (boot page tables and stack live there) */
	movl $__load_end, %edi
	movl $__bss_end, %ecx
	subl %edi, %ecx
	shrl $2, %ecx
	xorl %eax, %eax
	rep stosl
	/* boot tables: 1 GiB identity-mapped with 2 MiB pages */
	movl $boot_pd, %edi
	xorl %ecx, %ecx
1:	movl %ecx, %eax
	shll $21, %eax
	orl $0x87, %eax                  /* present, writable, user, 2 MiB */
	movl %eax, (%edi,%ecx,8)
	incl %ecx
	cmpl $512, %ecx
	jne 1b
	movl $boot_pd, %eax
	orl $7, %eax
	movl %eax, boot_pdpt
	movl $boot_pdpt, %eax
	orl $7, %eax
	movl %eax, boot_pml4
	/* CR4: PAE, OSFXSR, OSXMMEXCPT */
	movl %cr4, %eax
	orl $((1 << 5) | (1 << 9) | (1 << 10)), %eax
	movl %eax, %cr4
	movl $boot_pml4, %eax
	movl %eax, %cr3
	/* EFER.LME */
	movl $0xC0000080, %ecx
	rdmsr
	orl $(1 << 8), %eax
	wrmsr
	/* CR0: PG, PE, MP; EM clear */
	movl %cr0, %eax
	andl $~(1 << 2), %eax
	orl $((1 << 31) | (1 << 1) | 1), %eax
	movl %eax, %cr0
	lgdt boot_gdt_pointer
	ljmp $KERNEL_CS, $long_mode

	.code64
long_mode:
	movw $KERNEL_DS, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	xorw %ax, %ax
	movw %ax, %fs
	movw %ax, %gs
	movq $boot_stack_top, %rsp
	movl %esi, %edi                  /* metal_main(multiboot info) */
	call metal_main
2:	cli
	hlt
	jmp 2b

	.align 16
boot_gdt:
	.quad 0
	.quad 0x00AF9A000000FFFF         /* 0x08: 64-bit code, DPL 0 */
	.quad 0x00CF92000000FFFF         /* 0x10: data, DPL 0 */
boot_gdt_end:
boot_gdt_pointer:
	.word boot_gdt_end - boot_gdt - 1
	.long boot_gdt

	.section .bss
	.align 4096
boot_pml4: .space 4096
boot_pdpt: .space 4096
boot_pd:   .space 4096
	.space 65536
boot_stack_top:

/* ----------------------------------------------- one-instruction wrappers */
	.text
	.code64
	.globl metal_inb, metal_inw, metal_inl, metal_outb, metal_outw, metal_outl
metal_inb:  movl %edi, %edx; xorl %eax, %eax; inb %dx, %al; ret
metal_inw:  movl %edi, %edx; xorl %eax, %eax; inw %dx, %ax; ret
metal_inl:  movl %edi, %edx; inl %dx, %eax; ret
metal_outb: movl %edi, %edx; movl %esi, %eax; outb %al, %dx; ret
metal_outw: movl %edi, %edx; movl %esi, %eax; outw %ax, %dx; ret
metal_outl: movl %edi, %edx; movl %esi, %eax; outl %eax, %dx; ret

	/* metal_load_gdt(base, limit): LGDT, then reload CS (far return) and the data segments */
	.globl metal_load_gdt
metal_load_gdt:
	subq $16, %rsp
	movw %si, (%rsp)
	movq %rdi, 2(%rsp)
	lgdt (%rsp)
	addq $16, %rsp
	movw $KERNEL_DS, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	popq %rax                        /* return address */
	pushq $KERNEL_CS
	pushq %rax
	lretq

	/* metal_load_idt(base, limit) */
	.globl metal_load_idt
metal_load_idt:
	subq $16, %rsp
	movw %si, (%rsp)
	movq %rdi, 2(%rsp)
	lidt (%rsp)
	addq $16, %rsp
	ret

	.globl metal_ltr, metal_str, metal_invlpg, metal_read_cr2, metal_read_cr3, metal_write_cr3
metal_ltr:      ltr %di; ret
metal_str:      xorl %eax, %eax; str %ax; ret
metal_invlpg:   invlpg (%rdi); ret
metal_read_cr2: movq %cr2, %rax; ret
metal_read_cr3: movq %cr3, %rax; ret
metal_write_cr3: movq %rdi, %cr3; ret

	/* metal_tsc_begin(): LFENCE; RDTSC (SDM vol. 2 RDTSC: LFENCE before keeps it from
	   running ahead of earlier instructions) */
	.globl metal_tsc_begin, metal_tsc_end, metal_clflush, metal_mfence, metal_halt
metal_tsc_begin:
	mfence
	lfence
	rdtsc
	shlq $32, %rdx
	orq %rdx, %rax
	lfence
	ret
	/* metal_tsc_end(): RDTSCP waits for every earlier instruction; LFENCE keeps later ones after it */
metal_tsc_end:
	rdtscp
	lfence
	shlq $32, %rdx
	orq %rdx, %rax
	ret
metal_clflush: clflush (%rdi); ret
	.globl metal_trap_table_address, metal_user_io_address, metal_user_gp_loop_address, metal_user_syscall_address
metal_trap_table_address:    movq $metal_trap_table, %rax; ret
	.globl metal_kernel_cr3_address, metal_user_cr3_address
metal_kernel_cr3_address:    movq $metal_kernel_cr3, %rax; ret
metal_user_cr3_address:      movq $metal_user_cr3, %rax; ret
metal_user_io_address:       movq $metal_user_io, %rax; ret
metal_user_gp_loop_address:  movq $metal_user_gp_loop, %rax; ret
metal_user_syscall_address:  movq $metal_user_syscall, %rax; ret
metal_mfence:  mfence; ret
	/* metal_cpuid(leaf, out[4]): EAX, EBX, ECX, EDX of CPUID leaf (subleaf 0) */
	.globl metal_cpuid
metal_cpuid:
	pushq %rbx
	movq %rsi, %r8
	movl %edi, %eax
	xorl %ecx, %ecx
	cpuid
	movl %eax, (%r8)
	movl %ebx, 4(%r8)
	movl %ecx, 8(%r8)
	movl %edx, 12(%r8)
	popq %rbx
	ret
metal_halt:    cli; hlt; jmp metal_halt

/* ---------------------------------------------------------- trap entry */
/* The frame metal_trap receives (struct TrapFrame in Swift, 8-byte fields):
 *   r15 r14 r13 r12 r11 r10 r9 r8 rbp rdi rsi rdx rcx rbx rax
 *   vector error rip cs rflags rsp ss
 */
	.section .entry.text, "ax"
	.macro trap_noerr vector
	.globl metal_trap_\vector
metal_trap_\vector:
	pushq $0
	pushq $\vector
	jmp trap_common
	.endm
	.macro trap_err vector
	.globl metal_trap_\vector
metal_trap_\vector:
	pushq $\vector
	jmp trap_common
	.endm

	trap_noerr 0
	trap_noerr 1
	trap_noerr 2
	trap_noerr 3
	trap_noerr 4
	trap_noerr 5
	trap_noerr 6
	trap_noerr 7
	trap_err   8
	trap_noerr 9
	trap_err   10
	trap_err   11
	trap_err   12
	trap_err   13
	trap_err   14
	trap_noerr 15
	trap_noerr 16
	trap_err   17
	trap_noerr 18
	trap_noerr 19
	trap_noerr 128

trap_common:
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	/* KPTI: the kernel's tables first (the entry area is mapped in both).  Only under
	   isolation: a CR3 write flushes the TLB, which would hide a stale translation. */
	cmpq $0, metal_user_cr3
	je 1f
	movq metal_kernel_cr3, %rax
	movq %rax, %cr3
1:
	movq %rsp, %rdi
	movabsq $metal_trap, %rax
	call *%rax
	testq %rax, %rax
	jnz trap_leave_user
	/* resume: back to the interrupted code, through the user tables if it is CPL 3 */
	testb $3, 18*8(%rsp)
	jz 1f
	movq metal_user_cr3, %rax
	testq %rax, %rax
	jz 1f
	movq %rax, %cr3
1:	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
	addq $16, %rsp
	iretq
trap_leave_user:
	/* the user excursion ends: metal_enter_user returns rax */
	movq metal_saved_kernel_rsp, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbp
	popq %rbx
	ret

	/* metal_enter_user(rip, rsp, rflags, arg0, arg1) -> what the trap handler returned:
	   IRETQ to CPL 3 with RDI = arg0, RSI = arg1; returns when metal_trap says the
	   excursion is over. */
	.globl metal_enter_user
metal_enter_user:
	pushq %rbx
	pushq %rbp
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, metal_saved_kernel_rsp
	/* the IRETQ frame on the entry stack: under KPTI it is the only stack the user
	   tables map (Linux: the entry trampoline stack) */
	movq $metal_entry_stack_top, %rsp
	pushq $USER_DS
	pushq %rsi
	pushq %rdx
	pushq $USER_CS
	pushq %rdi
	movq %rcx, %rdi
	movq %r8, %rsi
	movq metal_user_cr3, %rax
	testq %rax, %rax
	jz 1f
	movq %rax, %cr3
1:	xorl %eax, %eax
	xorl %ebx, %ebx
	xorl %edx, %edx
	xorl %ecx, %ecx
	xorl %ebp, %ebp
	iretq

	.section .entry.data, "aw"
	.globl metal_kernel_cr3, metal_user_cr3, metal_saved_kernel_rsp
	.align 8
metal_kernel_cr3:       .quad 0
metal_user_cr3:         .quad 0     /* 0: no KPTI */
metal_saved_kernel_rsp: .quad 0
	/* the stubs' addresses, vectors 0-19 then 128, for the IDT Swift builds */
	.globl metal_trap_table
metal_trap_table:
	.quad metal_trap_0, metal_trap_1, metal_trap_2, metal_trap_3, metal_trap_4
	.quad metal_trap_5, metal_trap_6, metal_trap_7, metal_trap_8, metal_trap_9
	.quad metal_trap_10, metal_trap_11, metal_trap_12, metal_trap_13, metal_trap_14
	.quad metal_trap_15, metal_trap_16, metal_trap_17, metal_trap_18, metal_trap_19
	.quad metal_trap_128

	.section .entry.tss, "aw"
	.space 4096
	.section .entry.gdt, "aw"
	.space 4096
	.section .entry.idt, "aw"
	.space 4096
	.section .entry.stack, "aw"
	.globl metal_entry_stack_top, metal_df_stack_top
	.space 16384
metal_entry_stack_top:
	.space 8192
metal_df_stack_top:

/* ---------------------------------------------------------- CPL-3 code */
	.section .user.text, "ax"
	/* metal_user_io(port = RDI, width = RSI): one IN of the width, then INT 0x80.
	   A #GP on the IN ends the excursion in the kernel. */
	.globl metal_user_io
metal_user_io:
	movl %edi, %edx
	cmpl $1, %esi
	je 1f
	cmpl $2, %esi
	je 2f
	inl %dx, %eax
	jmp 3f
1:	inb %dx, %al
	jmp 3f
2:	inw %dx, %ax
3:	int $0x80
	ud2

	/* metal_user_gp_loop(port = RDI, count = RSI): `count` denied INB round trips (#GP,
	   the handler skips the 1-byte IN, IRETQ), each timed with RDTSC/RDTSCP and stored
	   at 0x20D000 (the bottom of the user stack pages); then INT 0x80. */
	.globl metal_user_gp_loop
metal_user_gp_loop:
	movq %rsi, %r8
	movq $0x20D000, %r9
4:	lfence
	rdtsc
	shlq $32, %rdx
	orq %rdx, %rax
	movq %rax, %r10
	movl %edi, %edx
	inb %dx, %al                     /* #GP here; the handler skips it */
	rdtscp
	lfence
	shlq $32, %rdx
	orq %rdx, %rax
	subq %r10, %rax
	movq %rax, (%r9)
	addq $8, %r9
	decq %r8
	jnz 4b
	int $0x80
	ud2

	/* metal_user_syscall(): INT 0x80 at once (the KPTI demonstration) */
	.globl metal_user_syscall
metal_user_syscall:
	int $0x80
	ud2

	.section .user.stack, "aw"
	.space 32768
