{{- define "gpu-agent.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "gpu-agent.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else if contains (include "gpu-agent.name" .) .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name (include "gpu-agent.name" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "gpu-agent.selectorLabels" -}}
app.kubernetes.io/name: {{ include "gpu-agent.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "gpu-agent.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "gpu-agent.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{/* Where the ConfigMaps are mounted in the container. */}}
{{- define "gpu-agent.configDir" -}}/etc/gpu-agent{{- end -}}
{{- define "gpu-agent.hostProc" -}}/host/proc{{- end -}}

{{/* The MIG manager (layouts given) creates and destroys instances and may reset GPUs. */}}
{{- define "gpu-agent.privileged" -}}
{{- if .Values.mig.layouts }}true{{ end -}}
{{- end -}}

{{/* Some shared GPU enforces its quota with the given enforcement (kill, mps). */}}
{{- define "gpu-agent.sharingEnforces" -}}
{{- $want := .want -}}
{{- range .gpus }}{{ if eq (toString .enforcement) $want }}true{{ end }}{{ end -}}
{{- end -}}

{{/*
The agent's config.yaml: the keys the chart's toggles decide (their mounts depend on them),
then .Values.config merged over them. Keys of the MIG manager (mig.*) and of sharing
(sharing.*, quota.*) are written only when those toggles are on.
*/}}
{{- define "gpu-agent.config" -}}
{{- $dir := include "gpu-agent.configDir" . -}}
{{- $c := dict "version" 1 "http" (dict "port" (int .Values.port)) -}}
{{- $dp := dict "enabled" .Values.devicePlugin.enabled -}}
{{- if ne .Values.devicePlugin.driverRoot "/" -}}
{{- $_ := set $dp "driverRoot" .Values.devicePlugin.driverRoot -}}
{{- end -}}
{{- $_ := set $c "devicePlugin" $dp -}}
{{- $_ := set $c "podResources" (dict "enabled" .Values.podResources.enabled) -}}
{{- if .Values.metrics.countersCsv -}}
{{- $_ := set $c "metrics" (dict "countersFile" (printf "%s/counters/counters.csv" $dir)) -}}
{{- end -}}
{{- if .Values.mig.layouts -}}
{{- $mig := dict "configFile" (printf "%s/mig/config.yaml" $dir) -}}
{{- if .Values.mig.nodeLabel }}{{ $_ := set $mig "nodeLabel" true }}
{{- else if .Values.mig.selected }}{{ $_ := set $mig "selected" .Values.mig.selected }}{{ end -}}
{{- $_ := set $c "mig" $mig -}}
{{- end -}}
{{- if .Values.sharing.gpus -}}
{{- $sharing := dict "gpus" .Values.sharing.gpus -}}
{{- if include "gpu-agent.sharingEnforces" (dict "gpus" .Values.sharing.gpus "want" "mps") -}}
{{- $_ := set $sharing "mps" (dict "pipeRoot" .Values.sharing.mpsPipeDir) -}}
{{- end -}}
{{- $_ := set $c "sharing" $sharing -}}
{{- $_ := set $c "quota" (dict "procRoot" (include "gpu-agent.hostProc" .)) -}}
{{- end -}}
{{- toYaml (mustMergeOverwrite $c (deepCopy (default (dict) .Values.config))) -}}
{{- end -}}
