/* core/exec.c - being written */
typedef int sqlkit__placeholder_exec;
