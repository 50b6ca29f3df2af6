"""Everything that makes synthetic data. Nothing at run time imports it; it imports every app."""
