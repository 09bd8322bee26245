package dev.safedeploy.activities.local.templates;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.List;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/** The *.yml / *.yaml templates in one classpath folder, from directories or jars. */
public final class TemplateCatalog {
  private final ClassLoader loader;
  private final String folder;

  public TemplateCatalog(ClassLoader loader, String folder) {
    this.loader = loader;
    this.folder = folder.replaceAll("^/+|/+$", "");
  }

  public String folder() {
    return folder;
  }

  public List<String> names() {
    TreeSet<String> names = new TreeSet<>();
    try {
      Enumeration<URL> urls = loader.getResources(folder);
      while (urls.hasMoreElements()) {
        URL url = urls.nextElement();
        if ("file".equals(url.getProtocol())) {
          try (Stream<Path> files = Files.list(Path.of(url.toURI()))) {
            files.map(f -> f.getFileName().toString()).filter(TemplateCatalog::isTemplate).forEach(names::add);
          }
        } else if ("jar".equals(url.getProtocol())) {
          JarURLConnection c = (JarURLConnection) url.openConnection();
          c.setUseCaches(false);
          try (JarFile jar = c.getJarFile()) {
            String prefix = folder + "/";
            for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
              String n = e.nextElement().getName();
              if (n.startsWith(prefix) && n.indexOf('/', prefix.length()) < 0
                  && isTemplate(n.substring(prefix.length()))) {
                names.add(n.substring(prefix.length()));
              }
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list templates in classpath folder " + folder, e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException("bad template folder URL: " + e.getMessage(), e);
    }
    return List.copyOf(names);
  }

  public InputStream open(String name) {
    InputStream in = loader.getResourceAsStream(folder + "/" + name);
    if (in == null) {
      throw new UncheckedIOException(new IOException("template " + folder + "/" + name + " not on the classpath"));
    }
    return in;
  }

  private static boolean isTemplate(String name) {
    return name.endsWith(".yml") || name.endsWith(".yaml");
  }
}
