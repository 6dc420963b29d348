// A C shim because a signal handler must keep the previous handlers in process-wide state and
// call only async-signal-safe functions, neither of which Swift 6 allows without opting out of
// its concurrency checks.
#include "CFatalSignal.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>

static char message[512];
static size_t message_length;
static struct sigaction previous[NSIG];
static const int fatal_signals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP};

static void on_fatal_signal(int sig, siginfo_t *info, void *context) {
    char number[12];
    int length = 0;
    char digits[12];
    int value = sig;
    do {
        digits[length++] = (char)('0' + value % 10);
        value /= 10;
    } while (value > 0 && length < 11);
    for (int i = 0; i < length; i++) number[i] = digits[length - 1 - i];
    (void)!write(2, "\n", 1);
    (void)!write(2, message, message_length);
    (void)!write(2, number, (size_t)length);
    (void)!write(2, ")\n", 2);
    struct sigaction *before = &previous[sig];
    // A signal sent by another process (si_code <= 0: kill, tkill) is no crash to trace.
    int sent = info != NULL && info->si_code <= 0;
    if (sent) {
        // Nothing before this one runs.
    } else if ((before->sa_flags & SA_SIGINFO) && before->sa_sigaction != NULL) {
        before->sa_sigaction(sig, info, context);
    } else if (before->sa_handler != SIG_DFL && before->sa_handler != SIG_IGN && before->sa_handler != NULL) {
        before->sa_handler(sig);
    }
    // Whatever ran before, the process ends here, of this signal (delivered when this returns).
    signal(sig, SIG_DFL);
    raise(sig);
}

void gongkai_log_fatal_signals(const char *line) {
    message_length = strlen(line);
    if (message_length >= sizeof(message)) message_length = sizeof(message) - 1;
    memcpy(message, line, message_length);
    struct sigaction action;
    memset(&action, 0, sizeof(action));
    action.sa_sigaction = on_fatal_signal;
    action.sa_flags = SA_SIGINFO;
    sigemptyset(&action.sa_mask);
    for (size_t i = 0; i < sizeof(fatal_signals) / sizeof(fatal_signals[0]); i++) {
        sigaction(fatal_signals[i], &action, &previous[fatal_signals[i]]);
    }
}
