/* core/compiler.c - being written */
typedef int sqlkit__placeholder_compiler;
