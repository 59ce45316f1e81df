/*
 * examples/traces/record/workload.c: the guest side of scripts/record-trace.
 *
 * Runs as /init of a small initramfs under a stock Debian kernel in QEMU (-smp 2).
 * It turns on the scheduler's trace events in tracefs, runs a hackbench-like
 * workload (groups of senders and receivers exchanging 100-byte messages through
 * pipes, one group as processes, one as threads of one process), among which two
 * I/O-port users wait on a pipe and touch their ports each time they are woken:
 *
 *   lpt-poll   execve'd by a forked child; ioperm(0x378, 3, 1), then inb/outb on
 *              the parallel port's registers 0x378-0x37a;
 *   rtc-iopl   execve'd by a forked child; iopl(3), then outb/inb on the CMOS
 *              RTC's index and data ports 0x70 and 0x71.
 *
 * Then it stops tracing and copies tracefs' "trace" file to the second serial
 * port (/dev/ttyS1), which the host script compresses into examples/traces/.
 * The same binary is every program: argv[0]'s basename selects the role, so that
 * the kernel's comm (the basename of the executed file) names each role.
 *
 * hackbench itself is in rt-tests and the kernel's perf bench; this is a small
 * re-creation of its message pattern, written here.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#define MESSAGE 100

static int loops = 1000;    /* messages each sender sends each receiver */
static int fanout = 4;      /* senders and receivers per group */

static void die(const char *what)
{
	fprintf(stderr, "workload: %s: %s\n", what, strerror(errno));
	reboot(RB_POWER_OFF);
	_exit(1);
}

static void put(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		die(path);
	close(fd);
}

static void full_write(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			die("write");
		buf += n;
		len -= (size_t)n;
	}
}

static int full_read(int fd, char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = read(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* ------------------------------------------------------------ port users */

/* Waits for a byte on fd 0, touches its ports, answers on fd 1, until EOF. */
static int port_user(int use_iopl)
{
	char token;
	if (use_iopl) {
		if (iopl(3) != 0)
			die("iopl(3)");
	} else if (ioperm(0x378, 3, 1) != 0) {
		die("ioperm(0x378, 3, 1)");
	}
	while (read(0, &token, 1) == 1) {
		if (use_iopl) {
			outb(0x0a, 0x70);       /* RTC status register A */
			(void)inb(0x71);
		} else {
			outb(0x55, 0x378);      /* data */
			(void)inb(0x379);       /* status */
			(void)inb(0x37a);       /* control */
		}
		full_write(1, &token, 1);
	}
	return 0;
}

struct port_child {
	pid_t pid;
	int to, from;
};

/* fork + execve("/bin/NAME"): the child's stdin and stdout are pipes. */
static struct port_child spawn_port_user(const char *name)
{
	int down[2], up[2];
	struct port_child child;
	char path[64];
	if (pipe(down) || pipe(up))
		die("pipe");
	snprintf(path, sizeof path, "/bin/%s", name);
	child.pid = fork();
	if (child.pid < 0)
		die("fork");
	if (child.pid == 0) {
		char *argv[] = { (char *)name, NULL };
		char *envp[] = { NULL };
		dup2(down[0], 0);
		dup2(up[1], 1);
		close(down[1]);
		close(up[0]);
		execve(path, argv, envp);
		die("execve");
	}
	close(down[0]);
	close(up[1]);
	child.to = down[1];
	child.from = up[0];
	return child;
}

/* ------------------------------------------------------------- hackbench */

struct sender_args {
	int *receivers;
	struct port_child *port;   /* poked once per round, or NULL */
};

static void sender(int *receivers, struct port_child *port)
{
	char message[MESSAGE];
	memset(message, 'm', sizeof message);
	for (int round = 0; round < loops; round++) {
		for (int r = 0; r < fanout; r++)
			full_write(receivers[r], message, sizeof message);
		if (port && round % 2 == 0) {
			char token = 't';
			full_write(port->to, &token, 1);
			if (full_read(port->from, &token, 1) != 0)
				die("port user answer");
		}
	}
}

static void receiver(int fd)
{
	char message[MESSAGE];
	for (int n = 0; n < loops * fanout; n++)
		if (full_read(fd, message, sizeof message) != 0)
			die("receiver read");
}

static void *sender_thread(void *arg)
{
	struct sender_args *a = arg;
	sender(a->receivers, a->port);
	return NULL;
}

static void *receiver_thread(void *arg)
{
	receiver((int)(long)arg);
	return NULL;
}

/* One group: fanout receivers each reading from its own pipe, fanout senders
 * writing to every receiver. As processes (fork) or as threads. */
static void group(int threads, struct port_child *port)
{
	int readers[16], writers[16];
	pid_t pids[32];
	pthread_t tids[32];
	int n = 0;
	for (int r = 0; r < fanout; r++) {
		int p[2];
		if (pipe(p))
			die("pipe");
		readers[r] = p[0];
		writers[r] = p[1];
	}
	for (int r = 0; r < fanout; r++) {
		if (threads) {
			if (pthread_create(&tids[n++], NULL, receiver_thread, (void *)(long)readers[r]))
				die("pthread_create");
		} else if ((pids[n++] = fork()) == 0) {
			receiver(readers[r]);
			_exit(0);
		}
	}
	for (int s = 0; s < fanout; s++) {
		/* only the first sender pokes the port user */
		struct port_child *poke = s == 0 ? port : NULL;
		if (threads) {
			struct sender_args *a = malloc(sizeof *a);
			a->receivers = writers;
			a->port = poke;
			if (pthread_create(&tids[n++], NULL, sender_thread, a))
				die("pthread_create");
		} else if ((pids[n++] = fork()) == 0) {
			sender(writers, poke);
			_exit(0);
		}
	}
	for (int i = 0; i < n; i++) {
		if (threads)
			pthread_join(tids[i], NULL);
		else
			waitpid(pids[i], NULL, 0);
	}
	for (int r = 0; r < fanout; r++) {
		close(readers[r]);
		close(writers[r]);
	}
}

/* The threaded group runs in its own process, as hackbench -T does. */
static pid_t threaded_group(struct port_child *port)
{
	pid_t pid = fork();
	if (pid == 0) {
		group(1, port);
		_exit(0);
	}
	return pid;
}

/* ------------------------------------------------------------------ init */

static void copy_trace_to_serial(void)
{
	int in = open("/tracing/trace", O_RDONLY | O_CLOEXEC);
	int out = open("/dev/ttyS1", O_WRONLY | O_NOCTTY | O_CLOEXEC);
	struct termios t;
	char buf[65536];
	ssize_t n;
	if (in < 0)
		die("/tracing/trace");
	if (out < 0)
		die("/dev/ttyS1");
	if (tcgetattr(out, &t) == 0) {
		cfmakeraw(&t);
		tcsetattr(out, TCSANOW, &t);
	}
	full_write(out, "@@TRACE-BEGIN\n", 14);
	while ((n = read(in, buf, sizeof buf)) > 0)
		full_write(out, buf, (size_t)n);
	full_write(out, "@@TRACE-END\n", 12);
	tcdrain(out);
	close(out);
	close(in);
}

int main(int argc, char **argv)
{
	const char *role = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	(void)argc;
	if (strcmp(role, "lpt-poll") == 0)
		return port_user(0);
	if (strcmp(role, "rtc-iopl") == 0)
		return port_user(1);

	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	mount("proc", "/proc", "proc", 0, NULL);
	mkdir("/tracing", 0755);
	if (mount("tracefs", "/tracing", "tracefs", 0, NULL) != 0)
		die("mount tracefs");
	{
		const char *l = getenv("IOPB_LOOPS");
		if (l && atoi(l) > 0)
			loops = atoi(l);
	}

	put("/tracing/buffer_size_kb", "16384");
	put("/tracing/options/record-tgid", "1");
	{
		/* set_event takes one name per write (trace_get_user() reads one word) */
		static const char *events[] = {
			"sched:sched_switch", "sched:sched_wakeup", "sched:sched_wakeup_new",
			"sched:sched_migrate_task", "sched:sched_process_fork",
			"sched:sched_process_exec", "sched:sched_process_exit",
		};
		int fd = open("/tracing/set_event", O_WRONLY | O_TRUNC | O_CLOEXEC);
		if (fd < 0)
			die("/tracing/set_event");
		for (size_t i = 0; i < sizeof events / sizeof events[0]; i++)
			if (write(fd, events[i], strlen(events[i])) != (ssize_t)strlen(events[i]))
				die(events[i]);
		close(fd);
	}
	put("/tracing/trace", "");
	put("/tracing/tracing_on", "1");

	struct port_child lpt = spawn_port_user("lpt-poll");
	struct port_child rtc = spawn_port_user("rtc-iopl");
	pid_t threaded = threaded_group(&rtc);
	group(0, &lpt);
	waitpid(threaded, NULL, 0);
	close(lpt.to);
	close(rtc.to);
	waitpid(lpt.pid, NULL, 0);
	waitpid(rtc.pid, NULL, 0);

	put("/tracing/tracing_on", "0");
	copy_trace_to_serial();
	sync();
	reboot(RB_POWER_OFF);
	return 0;
}
