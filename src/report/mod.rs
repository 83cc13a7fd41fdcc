//! Renderers: reports to bytes, one file per format.
