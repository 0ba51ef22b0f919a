package dev.crflow.dsl.internal;

import org.codehaus.groovy.ast.ClassCodeVisitorSupport;
import org.codehaus.groovy.ast.ClassHelper;
import org.codehaus.groovy.ast.ClassNode;
import org.codehaus.groovy.ast.MethodNode;
import org.codehaus.groovy.ast.expr.ArgumentListExpression;
import org.codehaus.groovy.ast.expr.ConstantExpression;
import org.codehaus.groovy.ast.expr.StaticMethodCallExpression;
import org.codehaus.groovy.ast.stmt.BlockStatement;
import org.codehaus.groovy.ast.stmt.ExpressionStatement;
import org.codehaus.groovy.ast.stmt.Statement;
import org.codehaus.groovy.classgen.GeneratorContext;
import org.codehaus.groovy.control.CompilePhase;
import org.codehaus.groovy.control.SourceUnit;
import org.codehaus.groovy.control.customizers.CompilationCustomizer;

import java.util.ArrayList;
import java.util.List;

/**
 * Inserts {@code DslSession.at(LINE)} before every statement of the script and of its closures, so the
 * line of each DSL call is known without walking the stack: exact inside loops and nested closures, and
 * cheap enough for scripts that generate thousands of steps.
 */
final class LineInstrumenter extends CompilationCustomizer {
    private static final ClassNode SESSION = ClassHelper.make(DslSession.class);

    LineInstrumenter() { super(CompilePhase.SEMANTIC_ANALYSIS); }

    @Override
    public void call(SourceUnit source, GeneratorContext context, ClassNode classNode) {
        Visitor visitor = new Visitor(source);
        // methods only (the script's run() and the user's methods, closures included); constructors are
        // left alone because their first statement must stay this(...)/super(...)
        for (MethodNode method : classNode.getMethods()) {
            if (method.getCode() != null && !method.isAbstract()) method.getCode().visit(visitor);
        }
    }

    private static final class Visitor extends ClassCodeVisitorSupport {
        private final SourceUnit source;

        Visitor(SourceUnit source) { this.source = source; }

        @Override protected SourceUnit getSourceUnit() { return source; }

        @Override
        public void visitBlockStatement(BlockStatement block) {
            List<Statement> original = new ArrayList<>(block.getStatements());
            for (Statement s : original) s.visit(this);
            List<Statement> statements = block.getStatements();
            statements.clear();
            for (Statement s : original) {
                if (s.getLineNumber() > 0) statements.add(marker(s.getLineNumber()));
                statements.add(s);
            }
        }

        private static Statement marker(int line) {
            StaticMethodCallExpression call = new StaticMethodCallExpression(SESSION, "at",
                    new ArgumentListExpression(new ConstantExpression(line, true)));
            return new ExpressionStatement(call);
        }
    }
}
