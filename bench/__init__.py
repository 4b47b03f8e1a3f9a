"""Measuring the pipeline (`make bench`): a deterministic synthetic batch, and the build timed
side by side with simpler ways of converting the same documents. Not part of the installed
package; it imports `pipeline` like any user of it."""
