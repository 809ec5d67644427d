# Sphinx configuration of the collection's HTML docs (scripts/build-docs.sh builds them).
# Started from `antsibull-docs sphinx-init --use-current selfhosted.dokku` (antsibull-docs 2.28);
# changed: the project's names, and intersphinx reads the Ansible docs' labels from a local
# inventory that scripts/build-docs.sh writes (the build must not depend on reaching a web site).

project = 'selfhosted.dokku'
copyright = 'selfhosted.dokku developers'

title = 'selfhosted.dokku Collection Documentation'
html_short_title = 'selfhosted.dokku'

extensions = ['sphinx.ext.autodoc', 'sphinx.ext.intersphinx', 'sphinx_antsibull_ext']

pygments_style = 'ansible'

highlight_language = 'YAML+Jinja'

html_theme = 'sphinx_ansible_theme'
html_show_sphinx = False

display_version = False

html_use_smartypants = True
html_use_modindex = False
html_use_index = False
html_copy_source = False

# Links to the Ansible docs (common return values, configuration settings, plugin types) go to
# the published pages; the labels come from ../ansible_devel.inv next to the generated rst/.
intersphinx_mapping = {
    'ansible_devel': ('https://docs.ansible.com/projects/ansible/devel/', '../ansible_devel.inv'),
}

default_role = 'any'

nitpicky = True
