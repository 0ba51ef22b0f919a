/*
 * crflow benchmark application (built by CriuIncrementalBenchmark with the machine's cc; never committed as a binary):
 * holds MIB MiB of distinct, non-zero pages and rewrites 5 % of them per PERIOD seconds, spread over the period
 * (one byte in each page of a rotating block, 1/10 of the 5 % every PERIOD/10 s). Appends its tick to out.txt.
 * usage: churn MIB PERIOD_SECONDS
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv) {
    if (argc != 3) { fprintf(stderr, "usage: churn MIB PERIOD_SECONDS\n"); return 2; }
    size_t bytes = (size_t)atol(argv[1]) << 20, page = 4096, pages = bytes / page;
    double period = atof(argv[2]);
    size_t step = pages / 200; /* 0.5 % of the pages per tenth of the period: 5 % per period */
    volatile unsigned char *p = malloc(bytes);
    if (!p) { perror("malloc"); return 1; }
    for (size_t i = 0; i < bytes; i += 8) *(volatile unsigned long *)(p + i) = (i + 1) * 0x9e3779b97f4a7c15UL;
    FILE *out = fopen("out.txt", "a");
    struct timespec tick = { (time_t)(period / 10), (long)((period / 10 - (time_t)(period / 10)) * 1e9) };
    size_t next = 0;
    for (unsigned long t = 1;; t++) {
        for (size_t k = 0; k < step; k++, next = (next + 1) % pages) p[next * page + 16] ^= (unsigned char)(t | 1);
        fprintf(out, "%lu\n", t);
        fflush(out);
        nanosleep(&tick, NULL);
    }
}
