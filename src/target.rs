//! Targets: parsing what the user typed and resolving it to addresses.
