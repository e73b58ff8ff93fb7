# Sphinx configuration of manila-cg-api's API reference, in the format of
# OpenStack's api-ref (os-api-ref). scripts/build-api-ref builds it.

extensions = [
    'os_api_ref',
]

# openstackdocstheme is the theme OpenStack's own api-refs use; without it
# (it is optional) the reference builds with Sphinx's default theme.
try:
    import openstackdocstheme  # noqa: F401
except ImportError:
    html_theme = 'alabaster'
else:
    extensions.append('openstackdocstheme')
    html_theme = 'openstackdocs'
    html_theme_options = {'sidebar_mode': 'toc'}
    openstackdocs_repo_name = 'manila-cg-api'
    openstackdocs_use_storyboard = False
    openstackdocs_auto_name = False

project = 'manila-cg-api'
copyright = 'manila-cg-api contributors'
master_doc = 'index'
source_suffix = {'.rst': 'restructuredtext'}
exclude_patterns = ['samples']
pygments_style = 'sphinx'
html_static_path = []
