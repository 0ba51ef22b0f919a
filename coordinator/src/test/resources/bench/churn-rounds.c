/*
 * Memory churn for the image-storage benchmark (StorageBenchmark), built at benchmark time (never committed as a
 * binary): allocates MIB MiB, fills every 4 KiB page half with random bytes and half with zeros (memory images
 * compress about 2:1 like that), then for round r = 1, 2, ... waits for the file ./go-r and rewrites PCT % of it in 64
 * runs at random page-aligned places (the benchmark checkpoints between rounds: PCT % change per generation). After
 * filling and after each round it writes the round number to ./round (tmp + rename).
 * One process, no threads, no forks: DMTCP and CRIU checkpoint it as it is.
 *
 *   churn MIB PCT
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static uint64_t s = 88172645463325252ULL;
static uint64_t next(void) { s ^= s << 13; s ^= s >> 7; s ^= s << 17; return s; }

static void fill_page(unsigned char *p) {
    uint64_t *q = (uint64_t *) p;
    for (int i = 0; i < 2048 / 8; i++) q[i] = next();
    memset(p + 2048, 0, 2048);
}

static void write_round(long r) {
    FILE *f = fopen("round.tmp", "w");
    if (!f) { perror("round.tmp"); exit(2); }
    fprintf(f, "%ld\n", r);
    fclose(f);
    if (rename("round.tmp", "round") != 0) { perror("rename"); exit(2); }
}

static void pause_for(double seconds) {
    struct timespec t = { (time_t) seconds, (long) ((seconds - (time_t) seconds) * 1e9) }, rem;
    while (nanosleep(&t, &rem) != 0 && errno == EINTR) t = rem; /* a checkpoint interrupts the sleep */
}

int main(int argc, char **argv) {
    if (argc != 3) { fprintf(stderr, "usage: churn MIB PCT\n"); return 2; }
    size_t n = (size_t) atol(argv[1]) << 20;
    int pct = atoi(argv[2]);
    unsigned char *m = aligned_alloc(4096, n);
    if (!m) { perror("alloc"); return 2; }
    for (size_t off = 0; off < n; off += 4096) fill_page(m + off);
    write_round(0);
    const size_t runs = 64, pages = n / 4096;
    size_t run_pages = pages * pct / 100 / runs;
    if (run_pages == 0) run_pages = 1;
    for (long r = 1;; r++) {
        char go[32];
        snprintf(go, sizeof go, "go-%ld", r);
        while (access(go, F_OK) != 0) pause_for(0.05);
        for (size_t k = 0; k < runs; k++) {
            size_t first = next() % (pages - run_pages);
            for (size_t p = 0; p < run_pages; p++) fill_page(m + (first + p) * 4096);
        }
        write_round(r);
    }
}
