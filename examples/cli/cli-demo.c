#include "cli-util.h"
const char cli_demo_help[] = "usage: csvc demo [FILE]\n";
int cli_demo(cli_ctx *ctx, int argc, char **argv) { (void)ctx; (void)argc; (void)argv; return 0; }
