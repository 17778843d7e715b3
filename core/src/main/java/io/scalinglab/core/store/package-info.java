/**
 * The results store: one folder tree, on any Hadoop file system ({@code file://} on one machine,
 * {@code hdfs://} on a cluster), that every job reads from and writes to. {@link
 * io.scalinglab.core.store.ResultsStore} knows the layout ({@code data/<dataset>/<tokenizer>/...},
 * {@code <sweep>/runs/<run-id>/...}) and writes every file under a hidden temporary name that it
 * renames into place, so a reader never sees half a file and a crashed writer leaves only hidden
 * leftovers that Hadoop and Spark readers skip. {@link io.scalinglab.core.store.Provenance} is the
 * record of how an artifact was made that travels with it, and {@link io.scalinglab.core.store.Ids}
 * turns a resolved spec into the stable id a run is stored under. {@link
 * io.scalinglab.core.store.LayerOrder} orders the layers a run's activations come from by depth.
 */
package io.scalinglab.core.store;
