/* core/expr.c - being written */
typedef int sqlkit__placeholder_expr;
