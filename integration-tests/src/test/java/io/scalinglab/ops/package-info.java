/**
 * Tests of what operators deploy rather than compile: the container images' Dockerfiles, Spark
 * defaults and metrics config, the Prometheus and Grafana files under {@code deploy/}, and the
 * Kubernetes manifests under {@code k8s/}, rendered by {@code kubectl kustomize} and checked
 * against the spark-operator's CRD schema and the jobs' own command-line parsers, config schema and
 * metric names.
 */
package io.scalinglab.ops;
