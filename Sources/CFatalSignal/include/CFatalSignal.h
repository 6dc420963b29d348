#ifndef GONGKAI_FATAL_SIGNAL_H
#define GONGKAI_FATAL_SIGNAL_H

/// Writes `line` and the signal's number to standard error when the process is about to die of
/// a fatal signal (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP), lets the handler that was
/// there before run (the Swift runtime's backtrace), then dies of the signal. Async-signal-safe.
void gongkai_log_fatal_signals(const char *line);

#endif
