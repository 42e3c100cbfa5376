"""Per-chapter checks of what a notebook recorded: ``check_<notebook stem>.py`` with a
function ``check(results, params, output_dir)``. The harness finds them by name."""
