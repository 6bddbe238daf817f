/*
 * hm create: see create.h. The starter's text is below as C strings; "@NAME@"
 * stands for the chart's name (its named templates are "NAME.fullname"...).
 */
#include "chart/create.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "chart/chart.h"
#include "core/alloc.h"
#include "tmpl/fmt.h"
#include "core/file.h"

/* Helm's limit on chart names (chartutil's maxChartNameLength). */
#define MAX_NAME_LEN 250

/* The starter chart, in the order Helm writes its scaffold (warnings about
 * existing files come in this order). */
static const struct {
    const char *path;
    const char *text;
} starter[] = {
    {"Chart.yaml",
     "# The chart's identity. `hm package` names the archive @NAME@-<version>.tgz.\n"
     "apiVersion: v2\n"
     "name: @NAME@\n"
     "description: A Helm chart for Kubernetes\n"
     "\n"
     "# \"application\" charts install resources; \"library\" charts only share\n"
     "# named templates with the charts that depend on them.\n"
     "type: application\n"
     "\n"
     "# The chart's own version (semantic versioning): raise it with every change\n"
     "# to the chart.\n"
     "version: 0.1.0\n"
     "\n"
     "# The version of the software the chart deploys; the default image tag.\n"
     "# Keep it quoted so YAML reads it as text.\n"
     "appVersion: \"1.16.0\"\n"},
    {"values.yaml",
     "# Settings of the @NAME@ chart. Override them with -f FILE or --set key=value.\n"
     "\n"
     "# Pods the Deployment keeps (ignored while autoscaling is on).\n"
     "replicaCount: 1\n"
     "\n"
     "# The container image: repository, pull policy, and tag (empty: the chart's\n"
     "# appVersion).\n"
     "image:\n"
     "  repository: nginx\n"
     "  pullPolicy: IfNotPresent\n"
     "  tag: \"\"\n"
     "\n"
     "# Secrets holding registry credentials, e.g. [{name: regcred}].\n"
     "imagePullSecrets: []\n"
     "\n"
     "# Replace the chart name in resource names (nameOverride), or the whole\n"
     "# name (fullnameOverride).\n"
     "nameOverride: \"\"\n"
     "fullnameOverride: \"\"\n"
     "\n"
     "# The pods' ServiceAccount. With create, the chart makes one named `name`\n"
     "# (empty: the full name); without, pods use `name` (empty: \"default\").\n"
     "serviceAccount:\n"
     "  create: true\n"
     "  automount: true\n"
     "  annotations: {}\n"
     "  name: \"\"\n"
     "\n"
     "# Extra annotations and labels for the pods.\n"
     "podAnnotations: {}\n"
     "podLabels: {}\n"
     "\n"
     "# Security settings of the pod and of its container, e.g.\n"
     "# podSecurityContext: {fsGroup: 2000}\n"
     "# securityContext: {runAsNonRoot: true, readOnlyRootFilesystem: true}\n"
     "podSecurityContext: {}\n"
     "securityContext: {}\n"
     "\n"
     "# The Service in front of the pods.\n"
     "service:\n"
     "  type: ClusterIP\n"
     "  port: 80\n"
     "\n"
     "# An Ingress routing hosts and paths to the Service. tls entries look like\n"
     "# {secretName: NAME, hosts: [HOST]}.\n"
     "ingress:\n"
     "  enabled: false\n"
     "  className: \"\"\n"
     "  annotations: {}\n"
     "  hosts:\n"
     "    - host: chart-example.local\n"
     "      paths:\n"
     "        - path: /\n"
     "          pathType: ImplementationSpecific\n"
     "  tls: []\n"
     "\n"
     "# Requests and limits of the container, e.g.\n"
     "# {limits: {cpu: 100m, memory: 128Mi}, requests: {cpu: 100m, memory: 128Mi}}.\n"
     "# Empty by default: set them for the cluster you deploy to.\n"
     "resources: {}\n"
     "\n"
     "# Health checks of the container.\n"
     "livenessProbe:\n"
     "  httpGet:\n"
     "    path: /\n"
     "    port: http\n"
     "readinessProbe:\n"
     "  httpGet:\n"
     "    path: /\n"
     "    port: http\n"
     "\n"
     "# A HorizontalPodAutoscaler instead of a fixed replicaCount. Add\n"
     "# targetMemoryUtilizationPercentage to scale on memory too.\n"
     "autoscaling:\n"
     "  enabled: false\n"
     "  minReplicas: 1\n"
     "  maxReplicas: 100\n"
     "  targetCPUUtilizationPercentage: 80\n"
     "\n"
     "# Extra volumes of the pod and where the container mounts them.\n"
     "volumes: []\n"
     "volumeMounts: []\n"
     "\n"
     "# Scheduling constraints of the pods.\n"
     "nodeSelector: {}\n"
     "tolerations: []\n"
     "affinity: {}\n"},
    {".helmignore",
     "# Files `hm package` leaves out of the archive: one pattern a line (shell\n"
     "# globs; a trailing / matches folders; a leading ! negates).\n"
     ".DS_Store\n"
     "# version control\n"
     ".git/\n"
     ".gitignore\n"
     ".bzr/\n"
     ".bzrignore\n"
     ".hg/\n"
     ".hgignore\n"
     ".svn/\n"
     "# editor and backup files\n"
     "*.swp\n"
     "*.bak\n"
     "*.tmp\n"
     "*.orig\n"
     "*~\n"
     "# IDE settings\n"
     ".project\n"
     ".idea/\n"
     "*.tmproj\n"
     ".vscode/\n"},
    {"templates/ingress.yaml",
     "{{- $ing := .Values.ingress }}\n"
     "{{- if $ing.enabled }}\n"
     "{{- $fullName := include \"@NAME@.fullname\" . }}\n"
     "{{- $port := .Values.service.port }}\n"
     "apiVersion: networking.k8s.io/v1\n"
     "kind: Ingress\n"
     "metadata:\n"
     "  name: {{ $fullName }}\n"
     "  labels:\n"
     "    {{- include \"@NAME@.labels\" . | nindent 4 }}\n"
     "  {{- if $ing.annotations }}\n"
     "  annotations:\n"
     "    {{- toYaml $ing.annotations | nindent 4 }}\n"
     "  {{- end }}\n"
     "spec:\n"
     "  {{- if $ing.className }}\n"
     "  ingressClassName: {{ $ing.className }}\n"
     "  {{- end }}\n"
     "  {{- if $ing.tls }}\n"
     "  tls:\n"
     "    {{- range $ing.tls }}\n"
     "    - hosts:\n"
     "        {{- range .hosts }}\n"
     "        - {{ quote . }}\n"
     "        {{- end }}\n"
     "      secretName: {{ .secretName }}\n"
     "    {{- end }}\n"
     "  {{- end }}\n"
     "  rules:\n"
     "    {{- range $ing.hosts }}\n"
     "    - host: {{ quote .host }}\n"
     "      http:\n"
     "        paths:\n"
     "          {{- range .paths }}\n"
     "          - path: {{ .path }}\n"
     "            {{- if .pathType }}\n"
     "            pathType: {{ .pathType }}\n"
     "            {{- end }}\n"
     "            backend:\n"
     "              service:\n"
     "                name: {{ $fullName }}\n"
     "                port:\n"
     "                  number: {{ $port }}\n"
     "          {{- end }}\n"
     "    {{- end }}\n"
     "{{- end }}\n"},
    {"templates/deployment.yaml",
     "{{- $v := .Values -}}\n"
     "apiVersion: apps/v1\n"
     "kind: Deployment\n"
     "metadata:\n"
     "  name: {{ include \"@NAME@.fullname\" . }}\n"
     "  labels:\n"
     "    {{- include \"@NAME@.labels\" . | nindent 4 }}\n"
     "spec:\n"
     "  {{- if not $v.autoscaling.enabled }}\n"
     "  replicas: {{ $v.replicaCount }}\n"
     "  {{- end }}\n"
     "  selector:\n"
     "    matchLabels:\n"
     "      {{- include \"@NAME@.selectorLabels\" . | nindent 6 }}\n"
     "  template:\n"
     "    metadata:\n"
     "      {{- if $v.podAnnotations }}\n"
     "      annotations:\n"
     "        {{- toYaml $v.podAnnotations | nindent 8 }}\n"
     "      {{- end }}\n"
     "      labels:\n"
     "        {{- include \"@NAME@.labels\" . | nindent 8 }}\n"
     "        {{- if $v.podLabels }}\n"
     "        {{- toYaml $v.podLabels | nindent 8 }}\n"
     "        {{- end }}\n"
     "    spec:\n"
     "      {{- if $v.imagePullSecrets }}\n"
     "      imagePullSecrets:\n"
     "        {{- toYaml $v.imagePullSecrets | nindent 8 }}\n"
     "      {{- end }}\n"
     "      serviceAccountName: {{ include \"@NAME@.serviceAccountName\" . }}\n"
     "      {{- if $v.podSecurityContext }}\n"
     "      securityContext:\n"
     "        {{- toYaml $v.podSecurityContext | nindent 8 }}\n"
     "      {{- end }}\n"
     "      containers:\n"
     "        - name: {{ .Chart.Name }}\n"
     "          {{- if $v.securityContext }}\n"
     "          securityContext:\n"
     "            {{- toYaml $v.securityContext | nindent 12 }}\n"
     "          {{- end }}\n"
     "          image: \"{{ $v.image.repository }}:{{ $v.image.tag | default .Chart.AppVersion }}\"\n"
     "          imagePullPolicy: {{ $v.image.pullPolicy }}\n"
     "          ports:\n"
     "            - name: http\n"
     "              containerPort: {{ $v.service.port }}\n"
     "              protocol: TCP\n"
     "          {{- range $key := list \"livenessProbe\" \"readinessProbe\" \"resources\" \"volumeMounts\" }}\n"
     "          {{- with index $v $key }}\n"
     "          {{ $key }}:\n"
     "            {{- toYaml . | nindent 12 }}\n"
     "          {{- end }}\n"
     "          {{- end }}\n"
     "      {{- range $key := list \"volumes\" \"nodeSelector\" \"affinity\" \"tolerations\" }}\n"
     "      {{- with index $v $key }}\n"
     "      {{ $key }}:\n"
     "        {{- toYaml . | nindent 8 }}\n"
     "      {{- end }}\n"
     "      {{- end }}\n"},
    {"templates/service.yaml",
     "apiVersion: v1\n"
     "kind: Service\n"
     "metadata:\n"
     "  name: {{ include \"@NAME@.fullname\" . }}\n"
     "  labels:\n"
     "    {{- include \"@NAME@.labels\" . | nindent 4 }}\n"
     "spec:\n"
     "  type: {{ .Values.service.type }}\n"
     "  ports:\n"
     "    - port: {{ .Values.service.port }}\n"
     "      targetPort: http\n"
     "      protocol: TCP\n"
     "      name: http\n"
     "  selector:\n"
     "    {{- include \"@NAME@.selectorLabels\" . | nindent 4 }}\n"},
    {"templates/serviceaccount.yaml",
     "{{- with .Values.serviceAccount }}\n"
     "{{- if .create }}\n"
     "apiVersion: v1\n"
     "kind: ServiceAccount\n"
     "metadata:\n"
     "  name: {{ include \"@NAME@.serviceAccountName\" $ }}\n"
     "  labels:\n"
     "    {{- include \"@NAME@.labels\" $ | nindent 4 }}\n"
     "  {{- if .annotations }}\n"
     "  annotations:\n"
     "    {{- toYaml .annotations | nindent 4 }}\n"
     "  {{- end }}\n"
     "automountServiceAccountToken: {{ .automount }}\n"
     "{{- end }}\n"
     "{{- end }}\n"},
    {"templates/hpa.yaml",
     "{{- $as := .Values.autoscaling }}\n"
     "{{- if $as.enabled }}\n"
     "apiVersion: autoscaling/v2\n"
     "kind: HorizontalPodAutoscaler\n"
     "metadata:\n"
     "  name: {{ include \"@NAME@.fullname\" . }}\n"
     "  labels:\n"
     "    {{- include \"@NAME@.labels\" . | nindent 4 }}\n"
     "spec:\n"
     "  scaleTargetRef:\n"
     "    apiVersion: apps/v1\n"
     "    kind: Deployment\n"
     "    name: {{ include \"@NAME@.fullname\" . }}\n"
     "  minReplicas: {{ $as.minReplicas }}\n"
     "  maxReplicas: {{ $as.maxReplicas }}\n"
     "  metrics:\n"
     "    {{- range $resource, $key := dict \"cpu\" \"targetCPUUtilizationPercentage\" \"memory\" \"targetMemoryUtilizationPercentage\" }}\n"
     "    {{- with index $as $key }}\n"
     "    - type: Resource\n"
     "      resource:\n"
     "        name: {{ $resource }}\n"
     "        target:\n"
     "          type: Utilization\n"
     "          averageUtilization: {{ . }}\n"
     "    {{- end }}\n"
     "    {{- end }}\n"
     "{{- end }}\n"},
    {"templates/NOTES.txt",
     "Reach the application:\n"
     "{{- $ns := .Release.Namespace }}\n"
     "{{- $svc := include \"@NAME@.fullname\" . }}\n"
     "{{- if .Values.ingress.enabled }}\n"
     "{{- $scheme := ternary \"https\" \"http\" (not (empty .Values.ingress.tls)) }}\n"
     "{{- range $host := .Values.ingress.hosts }}\n"
     "{{- range .paths }}\n"
     "  {{ $scheme }}://{{ $host.host }}{{ .path }}\n"
     "{{- end }}\n"
     "{{- end }}\n"
     "{{- else if contains \"NodePort\" .Values.service.type }}\n"
     "  export NODE_PORT=$(kubectl get --namespace {{ $ns }} -o jsonpath=\"{.spec.ports[0].nodePort}\" services {{ $svc }})\n"
     "  export NODE_IP=$(kubectl get nodes --namespace {{ $ns }} -o jsonpath=\"{.items[0].status.addresses[0].address}\")\n"
     "  echo http://$NODE_IP:$NODE_PORT\n"
     "{{- else if contains \"LoadBalancer\" .Values.service.type }}\n"
     "  The external IP of a LoadBalancer can take a few minutes to appear; follow it with\n"
     "    kubectl get --namespace {{ $ns }} svc -w {{ $svc }}\n"
     "  export SERVICE_IP=$(kubectl get svc --namespace {{ $ns }} {{ $svc }} -o jsonpath=\"{.status.loadBalancer.ingress[0].ip}\")\n"
     "  echo http://$SERVICE_IP:{{ .Values.service.port }}\n"
     "{{- else if contains \"ClusterIP\" .Values.service.type }}\n"
     "  export POD_NAME=$(kubectl get pods --namespace {{ $ns }} -l \"app.kubernetes.io/name={{ include \"@NAME@.name\" . }},app.kubernetes.io/instance={{ .Release.Name }}\" -o jsonpath=\"{.items[0].metadata.name}\")\n"
     "  export CONTAINER_PORT=$(kubectl get pod --namespace {{ $ns }} $POD_NAME -o jsonpath=\"{.spec.containers[0].ports[0].containerPort}\")\n"
     "  echo \"Open http://127.0.0.1:8080 to use the application\"\n"
     "  kubectl --namespace {{ $ns }} port-forward $POD_NAME 8080:$CONTAINER_PORT\n"
     "{{- end }}\n"},
    {"templates/_helpers.tpl",
     "{{/*\n"
     "Named templates shared by the chart's manifests. Kubernetes limits names\n"
     "and label values to 63 characters, so every name below is cut to 63 and\n"
     "loses a trailing \"-\" left by the cut.\n"
     "*/}}\n"
     "\n"
     "{{/* The chart's short name: nameOverride, or the chart's name. */}}\n"
     "{{- define \"@NAME@.name\" -}}\n"
     "{{- .Values.nameOverride | default .Chart.Name | trunc 63 | trimSuffix \"-\" }}\n"
     "{{- end }}\n"
     "\n"
     "{{/*\n"
     "The name of the release's resources: fullnameOverride when set; otherwise\n"
     "the release name, followed by \"-\" and the short name unless the release\n"
     "name already contains it.\n"
     "*/}}\n"
     "{{- define \"@NAME@.fullname\" -}}\n"
     "{{- $full := .Values.fullnameOverride }}\n"
     "{{- if not $full }}\n"
     "{{- $short := .Values.nameOverride | default .Chart.Name }}\n"
     "{{- $full = .Release.Name }}\n"
     "{{- if not (contains $short .Release.Name) }}\n"
     "{{- $full = printf \"%s-%s\" .Release.Name $short }}\n"
     "{{- end }}\n"
     "{{- end }}\n"
     "{{- $full | trunc 63 | trimSuffix \"-\" }}\n"
     "{{- end }}\n"
     "\n"
     "{{/* NAME-VERSION of the chart, for the helm.sh/chart label (\"+\" is not allowed in labels). */}}\n"
     "{{- define \"@NAME@.chart\" -}}\n"
     "{{- printf \"%s-%s\" .Chart.Name .Chart.Version | replace \"+\" \"_\" | trunc 63 | trimSuffix \"-\" }}\n"
     "{{- end }}\n"
     "\n"
     "{{/* The labels that pick the release's pods: they must never change. */}}\n"
     "{{- define \"@NAME@.selectorLabels\" -}}\n"
     "app.kubernetes.io/name: {{ include \"@NAME@.name\" . }}\n"
     "app.kubernetes.io/instance: {{ .Release.Name }}\n"
     "{{- end }}\n"
     "\n"
     "{{/* Every resource's labels: the selector labels and what made the resource. */}}\n"
     "{{- define \"@NAME@.labels\" -}}\n"
     "helm.sh/chart: {{ include \"@NAME@.chart\" . }}\n"
     "{{ include \"@NAME@.selectorLabels\" . }}\n"
     "{{- with .Chart.AppVersion }}\n"
     "app.kubernetes.io/version: {{ quote . }}\n"
     "{{- end }}\n"
     "app.kubernetes.io/managed-by: {{ .Release.Service }}\n"
     "{{- end }}\n"
     "\n"
     "{{/* The pods' ServiceAccount: the one the chart makes, or an existing one. */}}\n"
     "{{- define \"@NAME@.serviceAccountName\" -}}\n"
     "{{- $fallback := \"default\" }}\n"
     "{{- if .Values.serviceAccount.create }}\n"
     "{{- $fallback = include \"@NAME@.fullname\" . }}\n"
     "{{- end }}\n"
     "{{- .Values.serviceAccount.name | default $fallback }}\n"
     "{{- end }}\n"},
    {"templates/tests/test-connection.yaml",
     "{{- $target := printf \"%s:%v\" (include \"@NAME@.fullname\" .) .Values.service.port -}}\n"
     "apiVersion: v1\n"
     "kind: Pod\n"
     "metadata:\n"
     "  name: \"{{ include \"@NAME@.fullname\" . }}-test-connection\"\n"
     "  labels:\n"
     "    {{- include \"@NAME@.labels\" . | nindent 4 }}\n"
     "  annotations:\n"
     "    \"helm.sh/hook\": test\n"
     "spec:\n"
     "  containers:\n"
     "    - name: wget\n"
     "      image: busybox\n"
     "      command: ['wget']\n"
     "      args: ['{{ $target }}']\n"
     "  restartPolicy: Never\n"},
};

#define N_STARTER (sizeof starter / sizeof *starter)

/* text with every "@NAME@" replaced by name; caller frees. */
static char *fill_name(const char *text, const char *name) {
    kz_buf b = KZ_BUF_INIT;
    const char *p = text, *hit;
    while ((hit = strstr(p, "@NAME@"))) {
        kz_buf_append(&b, p, (size_t)(hit - p));
        kz_buf_puts(&b, name);
        p = hit + 6;
    }
    kz_buf_puts(&b, p);
    return kz_buf_detach(&b, NULL);
}

size_t kz_chart_starter(const char *name, kz_starter_file *files, size_t cap) {
    size_t n = 0;
    for (; n < N_STARTER && n < cap; n++) {
        files[n].path = starter[n].path;
        files[n].text = fill_name(starter[n].text, name);
    }
    return n;
}

/* Go's filepath.Base: the last element, trailing slashes ignored; "" is
 * ".", only slashes is "/". Caller frees. */
static char *go_base(const char *p) {
    size_t n = strlen(p);
    if (n == 0) return kz_xstrdup(".");
    while (n > 0 && p[n - 1] == '/') n--;
    if (n == 0) return kz_xstrdup("/");
    size_t start = n;
    while (start > 0 && p[start - 1] != '/') start--;
    char *r = kz_xmalloc(n - start + 1);
    memcpy(r, p + start, n - start);
    r[n - start] = '\0';
    return r;
}

/* Go's filepath.Dir: everything up to the last slash, cleaned. Caller frees. */
static char *go_dir(const char *p) {
    const char *slash = strrchr(p, '/');
    if (!slash) return kz_xstrdup(".");
    char *head = kz_xmalloc((size_t)(slash - p) + 2);
    memcpy(head, p, (size_t)(slash - p) + 1);
    head[slash - p + 1] = '\0';
    char *r = kz_chart_path_clean(head);
    free(head);
    return r;
}


/* Go's filepath.Join of two elements (cleaned). Caller frees. */
static char *go_join(const char *a, const char *b) {
    kz_buf j = KZ_BUF_INIT;
    kz_buf_printf(&j, "%s/%s", a, b);
    char *r = kz_chart_path_clean(kz_buf_cstr(&j));
    kz_buf_free(&j);
    return r;
}

static kz_value errno_error(const char *op, const char *path, int e) {
    char reason[128];
    return kz_error("%s %s: %s", op, path, kz_errno_text(e, reason, sizeof reason));
}

/* Helm's validateChartName. */
static kz_value check_name(const char *name) {
    size_t n = strlen(name);
    if (n == 0 || n > MAX_NAME_LEN)
        return kz_error("chart name must be between 1 and %d characters", MAX_NAME_LEN);
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                  c == '_' || c == '-';
        if (!ok) return kz_error("chart name must match the regular expression \"^[a-zA-Z0-9._-]+$\"");
    }
    return kz_null();
}

/* Go's os.MkdirAll(path, 0755), with its error words. */
static kz_value mkdir_all(const char *path) {
    struct stat st;
    if (stat(path, &st) == 0) {
        if (S_ISDIR(st.st_mode)) return kz_null();
        return errno_error("mkdir", path, ENOTDIR);
    }
    char *parent = go_dir(path);
    kz_value err = kz_null();
    if (strcmp(parent, path) != 0) err = mkdir_all(parent);
    free(parent);
    if (kz_error_message(&err)) return err;
    if (mkdir(path, 0755) != 0 && errno != EEXIST) return errno_error("mkdir", path, errno);
    return kz_null();
}

/* Helm's chartutil writeFile: the folder, then the file (0644). */
static kz_value write_file(const char *path, const char *text) {
    char *dir = go_dir(path);
    kz_value err = mkdir_all(dir);
    free(dir);
    if (kz_error_message(&err)) return err;
    FILE *f = fopen(path, "w");
    if (!f) return errno_error("open", path, errno);
    size_t len = strlen(text);
    bool ok = fwrite(text, 1, len, f) == len;
    int e = errno;
    ok = (fclose(f) == 0) && ok;
    if (!ok) return errno_error("write", path, e ? e : EIO);
    return kz_null();
}

/* Go's %q (strconv.Quote). */
static void go_quote(kz_buf *b, const char *s) { kz_fmt_quote(b, s, strlen(s), false); }

/* Write the starter into cdir (which may exist), warning about each file
 * that is overwritten, then the empty charts/ folder. */
static kz_value write_starter(const char *cdir, const char *name, kz_buf *warnings) {
    kz_value err = kz_null();
    for (size_t i = 0; i < N_STARTER && !kz_error_message(&err); i++) {
        char *path = go_join(cdir, starter[i].path);
        struct stat st;
        if (stat(path, &st) == 0) {
            kz_buf_puts(warnings, "WARNING: File ");
            go_quote(warnings, path);
            kz_buf_puts(warnings, " already exists. Overwriting.\n");
        }
        char *text = fill_name(starter[i].text, name);
        err = write_file(path, text);
        free(text);
        free(path);
    }
    if (kz_error_message(&err)) return err;
    char *charts = go_join(cdir, "charts");
    err = mkdir_all(charts);
    free(charts);
    return err;
}

kz_value kz_chart_create(const char *arg, kz_buf *warnings) {
    char *name = go_base(arg), *dir = go_dir(arg), *abs = NULL, *cdir = NULL;
    kz_value err = check_name(name);
    struct stat st;
    if (!kz_error_message(&err)) {
        abs = kz_chart_path_abs(dir);
        if (stat(abs, &st) != 0) err = errno_error("stat", abs, errno);
        else if (!S_ISDIR(st.st_mode)) err = kz_error("no such directory %s", abs);
    }
    if (!kz_error_message(&err)) {
        cdir = go_join(abs, name);
        if (stat(cdir, &st) == 0 && !S_ISDIR(st.st_mode))
            err = kz_error("file %s already exists and is not a directory", cdir);
    }
    if (!kz_error_message(&err)) err = write_starter(cdir, name, warnings);
    free(name), free(dir), free(abs), free(cdir);
    return err;
}
