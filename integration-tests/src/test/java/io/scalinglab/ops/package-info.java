/**
 * Tests of what operators deploy rather than compile: the container images' Dockerfiles, Spark
 * defaults and metrics config, the Prometheus and Grafana files under {@code deploy/}, and the
 * Kubernetes manifests under {@code k8s/}, rendered as kustomize renders them and checked against
 * the jobs' own command-line parsers, config schema and metric names.
 */
package io.scalinglab.ops;
