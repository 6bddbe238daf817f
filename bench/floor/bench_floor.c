/*
 * bench/floor: the least work any `hm template CHART` has to do, as a process
 * of its own, so scripts/bench.sh can show how far from that floor hm is and
 * which ratio to helm is possible at all on the machine.
 *
 *   bench_floor CHART_DIR RENDERED_YAML
 *
 * It reads every file of the chart folder (as hm must: templates, values,
 * files for .Files), then lets libyaml scan every values.yaml of the chart and
 * its subchart folders, and the rendered manifests (a file written beforehand
 * by `hm template`; Helm parses each rendered document to sort and validate
 * it). Only libyaml's event stream: no values are built, nothing is rendered
 * or printed. libyaml is the project's YAML parser (DEVELOPERS.md: no
 * hand-written YAML parsing), so hm can't go below this.
 *
 * Prints one line: files, bytes read, YAML bytes scanned, events.
 */
#define _DEFAULT_SOURCE /* d_type, DT_DIR */
#include <dirent.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

typedef struct tally {
    size_t files, bytes, yaml_bytes;
    long events;
} tally;

/* The whole file in a malloc'd buffer (the caller frees), or NULL. */
static char *read_all(const char *path, size_t *len) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) return NULL;
    struct stat st;
    char *buf = NULL;
    if (fstat(fd, &st) == 0 && (buf = malloc((size_t)st.st_size + 1)) != NULL) {
        ssize_t n = read(fd, buf, (size_t)st.st_size);
        *len = n > 0 ? (size_t)n : 0;
    }
    close(fd);
    return buf;
}

/* libyaml's events for the whole stream; -1 on a syntax error. */
static long scan_yaml(const char *data, size_t len) {
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) return -1;
    yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);
    long events = 0;
    for (;;) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&parser, &ev)) {
            events = -1;
            break;
        }
        events++;
        bool end = ev.type == YAML_STREAM_END_EVENT;
        yaml_event_delete(&ev);
        if (end) break;
    }
    yaml_parser_delete(&parser);
    return events;
}

static int scan_file(tally *t, const char *path, const char *data, size_t len) {
    long events = scan_yaml(data, len);
    if (events < 0) {
        fprintf(stderr, "bench_floor: %s: not YAML\n", path);
        return -1;
    }
    t->events += events;
    t->yaml_bytes += len;
    return 0;
}

static int walk(tally *t, const char *dir) {
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "bench_floor: cannot open %s\n", dir);
        return -1;
    }
    int rc = 0;
    for (struct dirent *e; rc == 0 && (e = readdir(d)) != NULL;) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (e->d_type == DT_DIR) {
            rc = walk(t, path);
            continue;
        }
        size_t len = 0;
        char *data = read_all(path, &len);
        if (!data) continue;
        t->files++;
        t->bytes += len;
        if (strcmp(e->d_name, "values.yaml") == 0) rc = scan_file(t, path, data, len);
        free(data);
    }
    closedir(d);
    return rc;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: bench_floor CHART_DIR RENDERED_YAML\n");
        return 2;
    }
    tally t = {0};
    if (walk(&t, argv[1]) != 0) return 1;
    size_t len = 0;
    char *rendered = read_all(argv[2], &len);
    if (!rendered) {
        fprintf(stderr, "bench_floor: cannot read %s\n", argv[2]);
        return 1;
    }
    int rc = scan_file(&t, argv[2], rendered, len);
    free(rendered);
    if (rc != 0) return 1;
    printf("%zu files, %zu bytes read, %zu bytes of YAML scanned, %ld events\n", t.files, t.bytes, t.yaml_bytes,
           t.events);
    return 0;
}
