#!/usr/bin/env python3
# Splits a CPU profile of a Corridor node into the stages of the README's "Where the time goes per request" table.
# Usage (a bench run's process, 10 s in the middle of its measured part):
#   DOTNET_PerfMapEnabled=1 ./corridor bench http --mode payments ... &
#   perf record -F 999 -g -p <pid> -o perf.data -- sleep 10
#   perf script -i perf.data | python3 bench/perf/stages.py
# Each sample goes to the first stage whose pattern matches a frame, from the sampled frame outwards; a sample under the
# in-process load generator is the load generator's unless it is zeroing memory. Prints a Markdown table.
import sys, re, collections

# A sample goes to the first stage whose pattern matches one of its frames, from the sampled frame outwards; the order
# matters where patterns overlap (Corridor.Core.Compliance before the rest of Corridor.Core).
MEMORY = ("zeroing new memory and page faults", re.compile(r"memset|clear_page|exc_page_fault|folio_zero|do_anonymous_page|handle_mm_fault"))
LOAD_GENERATOR = ("load generator (in process)", re.compile(r"Corridor\.Cli\.Bench"))
STAGES = [
 MEMORY,
 ("journal append and fdatasync (sequencer)", re.compile(r"fdatasync|ext4_|jbd2|iowrite16|blk_|Corridor\.Storage\.Journal|FileJournal")),
 ("screening and the travel rule (Corridor.Core.Compliance)", re.compile(r"Corridor\.Core\.Compliance")),
 ("engine: settlement, ledger, decoding the command (Corridor.Core)", re.compile(r"Corridor\.Core\.")),
 ("JSON request parsing", re.compile(r"PaymentJson|Utf8JsonReader|RequestBody::Parse|JsonReaderHelper")),
 ("JSON answer writing", re.compile(r"Utf8JsonWriter|JsonConverter|ObjectDefaultConverter|JsonHttpResult|WriteAsJson|JsonSerializer")),
 LOAD_GENERATOR,
 ("endpoint: checks, mapping, encoding, answers", re.compile(r"Corridor\.Server\.Endpoints|Corridor\.Server\.Http|Corridor\.Server\.Auth")),
 ("node plumbing: group commit, hand-offs to the engine", re.compile(r"Corridor\.Storage\.Node|Corridor\.Server\.NodeGateway")),
 ("sockets and loopback TCP", re.compile(r"tcp_|__libc_recv|__libc_send|\bsock_|System\.Net\.Sockets|\bip_|__netif|net_rx|loopback|skb|__x64_sys_(sendto|recvfrom|read|write|epoll)")),
 ("Kestrel HTTP/1.1", re.compile(r"Microsoft\.AspNetCore")),
 ("thread hand-offs (futex, scheduling)", re.compile(r"futex|schedule|finish_task_switch|LowLevelLifoSemaphore|WaitHandle|Monitor")),
]
RUNTIME_THREADS = (".NET BGC", ".NET Tiered", ".NET Server GC")

def stage_of(thread, frames):
    """The stage of one sample: its thread's name and its frames, the sampled one first."""
    if any(LOAD_GENERATOR[1].search(f) for f in frames) and not any(MEMORY[1].search(f) for f in frames[:12]):
        return LOAD_GENERATOR[0]
    for f in frames:
        for name, rx in STAGES:
            if rx.search(f): return name
    return "GC and runtime (collector, JIT, stubs)" if thread.startswith(RUNTIME_THREADS) else "other (runtime without a managed caller, timers)"

def samples(lines):
    """(thread, frames) of each sample of `perf script`: a header line, then one indented line per frame."""
    thread, frames = None, []
    for line in lines:
        if line.strip() and line.startswith((" ", "\t")):
            frames.append(line.strip())
            continue
        if thread is not None: yield thread, frames
        thread, frames = None, []
        if line.strip():
            # the thread's name may hold spaces (".NET TP Worker"): the text before the pid
            m = re.match(r"^(.*?)\s+\d+(/\d+)?\s", line)
            thread = m.group(1).strip() if m else line.split()[0]
    if thread is not None: yield thread, frames

counts = collections.Counter(stage_of(t, f) for t, f in samples(sys.stdin))
total = sum(counts.values())
if total == 0: sys.exit("stages.py: no samples on stdin (perf script -i perf.data | python3 bench/perf/stages.py)")
for name, c in counts.most_common():
    print(f"| {name} | {100.0*c/total:.1f} % |")
print(f"samples: {total}", file=sys.stderr)
