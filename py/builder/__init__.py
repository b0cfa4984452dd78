"""The build: turns the repo (page template, JS, CSS, Python sources, data set, Pyodide
runtime) into one self-contained HTML file."""
