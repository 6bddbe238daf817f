/*
 * bench/yaml: parse and emit a generated multi-document Kubernetes YAML stream.
 *
 *   bench_yaml [--size MB] [--write FILE]
 *
 * Generates a deterministic stream of realistic manifests (Deployments,
 * Services, ConfigMaps) of about SIZE megabytes (default 50), then measures:
 *   - parse: the whole stream into kz_values (kustomize's YAML 1.2 schema),
 *   - emit:  every document back out through the go-yaml v2 emitter,
 * printing MB/s and peak memory. --write saves the stream, so scripts/bench.sh
 * can time the reference tool on the same input.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "core/buf.h"
#include "core/value.h"
#include "yaml/emit.h"
#include "yaml/parse.h"

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Peak resident set size of this process so far, in bytes. */
static size_t peak_rss(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (size_t)ru.ru_maxrss * 1024;
}

/* Current resident set size, in bytes (from /proc; 0 if unavailable). */
static size_t current_rss(void) {
    FILE *f = fopen("/proc/self/statm", "r");
    if (!f) return 0;
    unsigned long pages_total = 0, pages_resident = 0;
    int n = fscanf(f, "%lu %lu", &pages_total, &pages_resident);
    fclose(f);
    return n == 2 ? (size_t)pages_resident * 4096 : 0;
}

static void gen_deployment(kz_buf *b, unsigned i) {
    kz_buf_printf(b,
        "apiVersion: apps/v1\n"
        "kind: Deployment\n"
        "metadata:\n"
        "  name: app-%u\n"
        "  namespace: team-%u\n"
        "  labels:\n"
        "    app.kubernetes.io/name: app-%u\n"
        "    app.kubernetes.io/instance: release-%u\n"
        "    app.kubernetes.io/managed-by: kz\n"
        "  annotations:\n"
        "    description: \"Deployment number %u, generated for the benchmark with a longer text\"\n"
        "spec:\n"
        "  replicas: %u\n"
        "  selector:\n"
        "    matchLabels:\n"
        "      app.kubernetes.io/name: app-%u\n"
        "  template:\n"
        "    metadata:\n"
        "      labels:\n"
        "        app.kubernetes.io/name: app-%u\n"
        "    spec:\n"
        "      containers:\n"
        "      - name: main\n"
        "        image: registry.example.com/team-%u/app:1.%u.%u\n"
        "        args: [\"--port=8080\", \"--verbose\", \"--id=%u\"]\n"
        "        ports:\n"
        "        - containerPort: 8080\n"
        "          name: http\n"
        "          protocol: TCP\n"
        "        env:\n"
        "        - name: LOG_LEVEL\n"
        "          value: info\n"
        "        - name: RATIO\n"
        "          value: \"0.%u\"\n"
        "        resources:\n"
        "          limits: {cpu: 500m, memory: 256Mi}\n"
        "          requests:\n"
        "            cpu: 100m\n"
        "            memory: 128Mi\n"
        "        readinessProbe:\n"
        "          httpGet:\n"
        "            path: /healthz\n"
        "            port: 8080\n"
        "          initialDelaySeconds: 5\n"
        "          periodSeconds: 10\n",
        i, i % 17, i, i, i, 1 + i % 5, i, i, i % 17, i % 10, i % 100, i, i % 1000);
}

static void gen_service(kz_buf *b, unsigned i) {
    kz_buf_printf(b,
        "apiVersion: v1\n"
        "kind: Service\n"
        "metadata:\n"
        "  name: app-%u\n"
        "  namespace: team-%u\n"
        "spec:\n"
        "  type: ClusterIP\n"
        "  selector:\n"
        "    app.kubernetes.io/name: app-%u\n"
        "  ports:\n"
        "  - name: http\n"
        "    port: 80\n"
        "    targetPort: http\n",
        i, i % 17, i);
}

static void gen_configmap(kz_buf *b, unsigned i) {
    kz_buf_printf(b,
        "apiVersion: v1\n"
        "kind: ConfigMap\n"
        "metadata:\n"
        "  name: config-%u\n"
        "data:\n"
        "  enabled: \"true\"\n"
        "  retries: \"%u\"\n"
        "  config.yaml: |\n"
        "    server:\n"
        "      listen: 0.0.0.0:%u\n"
        "      timeout: 30s\n"
        "    features:\n"
        "      - alpha\n"
        "      - beta-%u\n",
        i, i % 9, 1024 + i % 30000, i);
}

static char *generate(size_t target, size_t *len_out, size_t *docs_out) {
    kz_buf b = KZ_BUF_INIT;
    kz_buf_reserve(&b, target + 4096);
    size_t docs = 0;
    for (unsigned i = 0; b.len < target; i++) {
        if (docs) kz_buf_puts(&b, "---\n");
        switch (i % 3) {
        case 0: gen_deployment(&b, i); break;
        case 1: gen_service(&b, i); break;
        default: gen_configmap(&b, i); break;
        }
        docs++;
    }
    *docs_out = docs;
    return kz_buf_detach(&b, len_out);
}

int main(int argc, char **argv) {
    size_t mb = 50;
    const char *write_path = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--size") == 0 && i + 1 < argc) {
            mb = (size_t)strtoul(argv[++i], NULL, 10);
        } else if (strcmp(argv[i], "--write") == 0 && i + 1 < argc) {
            write_path = argv[++i];
        } else {
            fprintf(stderr, "usage: bench_yaml [--size MB] [--write FILE]\n");
            return 1;
        }
    }
    size_t len, docs;
    char *input = generate(mb * 1000 * 1000, &len, &docs);
    if (write_path) {
        FILE *f = fopen(write_path, "wb");
        if (!f || fwrite(input, 1, len, f) != len || fclose(f) != 0) {
            fprintf(stderr, "bench_yaml: cannot write %s\n", write_path);
            return 1;
        }
    }
    double mbytes = (double)len / 1e6;
    size_t rss_before = current_rss();

    kz_yaml_parse_opts opts = {.schema = KZ_YAML_KYAML, .source_name = "bench.yaml"};
    double t0 = now_seconds();
    kz_value stream = kz_yaml_parse_stream(input, len, &opts);
    double t1 = now_seconds();
    if (!kz_is_valid(&stream)) {
        fprintf(stderr, "bench_yaml: %s\n", kz_error_message(&stream));
        return 1;
    }
    size_t rss_parsed = current_rss();
    size_t peak_parse = peak_rss();

    kz_buf out = KZ_BUF_INIT;
    kz_buf_reserve(&out, len + len / 4);
    double t2 = now_seconds();
    for (size_t i = 0; i < kz_len(&stream); i++) {
        if (i) kz_buf_puts(&out, "---\n");
        kz_yaml_emit(&out, kz_seq_at(&stream, i));
    }
    double t3 = now_seconds();

    printf("input:   %.1f MB, %zu documents\n", mbytes, docs);
    printf("parse:   %.3f s  %6.1f MB/s\n", t1 - t0, mbytes / (t1 - t0));
    printf("emit:    %.3f s  %6.1f MB/s  (%.1f MB out)\n", t3 - t2, mbytes / (t3 - t2),
           (double)out.len / 1e6);
    printf("memory:  values %.1f MB (%.2fx input); peak RSS during parse %.1f MB "
           "(%.2fx input, input buffer included)\n",
           (double)(rss_parsed - rss_before) / 1e6, (double)(rss_parsed - rss_before) / (double)len,
           (double)peak_parse / 1e6, (double)peak_parse / (double)len);
    kz_buf_free(&out);
    kz_free(stream);
    free(input);
    return 0;
}
