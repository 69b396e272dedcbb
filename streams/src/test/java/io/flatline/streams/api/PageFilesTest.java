package io.flatline.streams.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PageFilesTest {

    private final PageFiles files = new PageFiles();

    @Test
    void thePagesAndTheirScriptsComeFromThisPackagesResourcesAndTheLibrariesFromTheirWebJars() {
        assertThat(files.resource("/")).contains("/io/flatline/streams/api/page/fleet.html");
        assertThat(files.resource("/board")).contains("/io/flatline/streams/api/page/board.html");
        assertThat(files.resource("/ui/flatline.js")).contains("/io/flatline/streams/api/page/flatline.js");
        // The version comes from the WebJar on the classpath; the page names none.
        assertThat(files.resource("/webjars/uplot/dist/uPlot.iife.min.js")).hasValueSatisfying(r -> {
            assertThat(r).matches("/META-INF/resources/webjars/uplot/[0-9.]+/dist/uPlot.iife.min.js");
            assertThat(PageFiles.class.getResource(r)).isNotNull();
        });
        for (String page : new String[] {"/", "/board", "/ui/flatline.js", "/ui/flatline.css"}) {
            assertThat(PageFiles.class.getResource(files.resource(page).orElseThrow())).as(page).isNotNull();
        }
    }

    @Test
    void aPathThatTriesToLeaveItsDirectoryOrNamesNoKnownWebJarIsNotServed() {
        assertThat(files.resource("/ui/../HttpApi.class")).isEmpty();
        assertThat(files.resource("/ui/%2e%2e/HttpApi.class")).isEmpty();
        assertThat(files.resource("/webjars/nothing-like-it/x.js")).isEmpty();
        assertThat(files.resource("/webjars/uplot")).isEmpty();
    }
}
