"""os-ken's peer in the CLI start-up benchmark (bench/src/cli-startup.ts).

The PyPI os-ken has no osken-manager entry point, so this file starts the way
osken-manager does: eventlet's monkey patching first, then the modules its command
module imports at load time (config, logging, flags, the app manager, the OpenFlow
controller, topology), then the config parser on the command line, which prints
the usage for --help and exits 0:

    bench/.venv/bin/python bench/peers/osken_manager_help.py --help
"""

from os_ken.lib import hub

hub.patch(thread=False)

import logging  # noqa: E402
import sys  # noqa: E402

from os_ken import __version__ as version  # noqa: E402
from os_ken import cfg  # noqa: E402
from os_ken import flags  # noqa: E402,F401
from os_ken import log  # noqa: E402
from os_ken.base import app_manager  # noqa: E402,F401
# Registers the ofp-* command-line options, as osken-manager's import does.
from os_ken.controller import controller  # noqa: E402,F401
from os_ken.topology import switches  # noqa: E402,F401

log.early_init_log(logging.DEBUG)

if __name__ == '__main__':
    cfg.CONF(args=sys.argv[1:], prog='osken-manager', project='os_ken', version=f'osken-manager {version}')
