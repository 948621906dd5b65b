/* core/expr.h - being written */
