/* terra-display-gl.c — the guest's screen in one GL texture, updated where it changed
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The fast path of the display with GTK's GL renderer (a GtkGLArea in
 * TerraDisplayView): one texture the size of the guest's surface, into which
 * only the damaged rectangles are uploaded, straight from SPICE's canvas
 * (glTexSubImage2D with GL_UNPACK_ROW_LENGTH for its stride), then one
 * textured quad in the letterboxed viewport. The canvas is BGRx in memory:
 * it is uploaded as RGBA bytes and swizzled in the fragment shader, with
 * the undefined X byte replaced by an opaque alpha — which works alike on
 * desktop GL 3.2 core and GLES 3.0 (GLES has no GL_BGRA upload).
 * All calls are made with the area's context current (GtkGLArea::render).
 */
#define G_LOG_DOMAIN "terra-display"

#include "config.h"

#include <epoxy/gl.h>

#include "terra-display-gl.h"

struct _TerraDisplayGl
{
  GLuint program;
  GLuint vao;
  GLuint vbo;
  GLuint texture;
  int    texture_width;
  int    texture_height;
};

static const char vertex_gl[] =
  "#version 150\n"
  "in vec2 position;\n"
  "in vec2 uv;\n"
  "out vec2 v_uv;\n"
  "void main () { v_uv = uv; gl_Position = vec4 (position, 0.0, 1.0); }\n";
static const char fragment_gl[] =
  "#version 150\n"
  "uniform sampler2D image;\n"
  "in vec2 v_uv;\n"
  "out vec4 color;\n"
  "void main () { color = vec4 (texture (image, v_uv).bgr, 1.0); }\n";
static const char vertex_es[] =
  "#version 300 es\n"
  "in vec2 position;\n"
  "in vec2 uv;\n"
  "out vec2 v_uv;\n"
  "void main () { v_uv = uv; gl_Position = vec4 (position, 0.0, 1.0); }\n";
static const char fragment_es[] =
  "#version 300 es\n"
  "precision mediump float;\n"
  "uniform sampler2D image;\n"
  "in vec2 v_uv;\n"
  "out vec4 color;\n"
  "void main () { color = vec4 (texture (image, v_uv).bgr, 1.0); }\n";

/* The whole viewport; v = 0 is the guest's top row (the first uploaded). */
static const GLfloat quad[] = {
  -1.f,  1.f, 0.f, 0.f,
   1.f,  1.f, 1.f, 0.f,
  -1.f, -1.f, 0.f, 1.f,
   1.f, -1.f, 1.f, 1.f,
};

static GLuint
compile (GLenum       kind,
         const char  *source,
         GError     **error)
{
  GLuint shader = glCreateShader (kind);
  GLint ok = 0;

  glShaderSource (shader, 1, &source, NULL);
  glCompileShader (shader);
  glGetShaderiv (shader, GL_COMPILE_STATUS, &ok);
  if (!ok)
    {
      char log[512] = "";
      glGetShaderInfoLog (shader, sizeof log, NULL, log);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "display shader: %s", log);
      glDeleteShader (shader);
      return 0;
    }
  return shader;
}

/** terra_display_gl_new: Returns: (transfer full): GL state, not yet realized */
TerraDisplayGl *
terra_display_gl_new (void)
{
  return g_new0 (TerraDisplayGl, 1);
}

/** terra_display_gl_free: frees @gl (unrealize it first, with its context current) */
void
terra_display_gl_free (TerraDisplayGl *gl)
{
  g_free (gl);
}

/**
 * terra_display_gl_realize:
 * @gl: the state
 * @context: the GtkGLArea's context, current
 * @error: a #G_IO_ERROR_FAILED with the compiler's log when a shader does
 *   not build
 *
 * Builds the program, the quad and the texture object.
 *
 * Returns: whether @gl can render
 */
gboolean
terra_display_gl_realize (TerraDisplayGl  *gl,
                          GdkGLContext    *context,
                          GError         **error)
{
  gboolean es = gdk_gl_context_get_use_es (context);
  GLuint vs, fs;
  GLint linked = 0;

  vs = compile (GL_VERTEX_SHADER, es ? vertex_es : vertex_gl, error);
  if (vs == 0)
    return FALSE;
  fs = compile (GL_FRAGMENT_SHADER, es ? fragment_es : fragment_gl, error);
  if (fs == 0)
    {
      glDeleteShader (vs);
      return FALSE;
    }
  gl->program = glCreateProgram ();
  glAttachShader (gl->program, vs);
  glAttachShader (gl->program, fs);
  glBindAttribLocation (gl->program, 0, "position");
  glBindAttribLocation (gl->program, 1, "uv");
  glLinkProgram (gl->program);
  glDeleteShader (vs);
  glDeleteShader (fs);
  glGetProgramiv (gl->program, GL_LINK_STATUS, &linked);
  if (!linked)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "display shader: does not link");
      glDeleteProgram (gl->program);
      gl->program = 0;
      return FALSE;
    }

  glGenVertexArrays (1, &gl->vao);
  glBindVertexArray (gl->vao);
  glGenBuffers (1, &gl->vbo);
  glBindBuffer (GL_ARRAY_BUFFER, gl->vbo);
  glBufferData (GL_ARRAY_BUFFER, sizeof quad, quad, GL_STATIC_DRAW);
  glEnableVertexAttribArray (0);
  glVertexAttribPointer (0, 2, GL_FLOAT, GL_FALSE, 4 * sizeof (GLfloat), NULL);
  glEnableVertexAttribArray (1);
  glVertexAttribPointer (1, 2, GL_FLOAT, GL_FALSE, 4 * sizeof (GLfloat), (void *)(2 * sizeof (GLfloat)));
  glBindVertexArray (0);

  glGenTextures (1, &gl->texture);
  gl->texture_width = gl->texture_height = 0;
  return TRUE;
}

/** terra_display_gl_unrealize: deletes @gl's GL objects (its context current) */
void
terra_display_gl_unrealize (TerraDisplayGl *gl)
{
  if (gl->texture != 0)
    glDeleteTextures (1, &gl->texture);
  if (gl->vbo != 0)
    glDeleteBuffers (1, &gl->vbo);
  if (gl->vao != 0)
    glDeleteVertexArrays (1, &gl->vao);
  if (gl->program != 0)
    glDeleteProgram (gl->program);
  gl->texture = gl->vbo = gl->vao = gl->program = 0;
  gl->texture_width = gl->texture_height = 0;
}

/**
 * terra_display_gl_render:
 * @gl: realized state
 * @pixels: (nullable): the guest's surface, BGRx (SPICE 32_xRGB), or %NULL
 *   to draw black
 * @width: surface width in pixels
 * @height: surface height
 * @stride: bytes a row (a multiple of 4)
 * @damage: what changed since the last render (ignored, and everything
 *   uploaded, when the surface size changed)
 * @fit: where the guest goes, in the area's logical pixels
 * @area_width: the area's width in logical pixels
 * @area_height: its height
 * @scale_factor: device pixels a logical pixel
 *
 * Uploads the damage into the texture and draws it letterboxed.
 *
 * Returns: the pixels uploaded
 */
guint64
terra_display_gl_render (TerraDisplayGl        *gl,
                         const guint8          *pixels,
                         int                    width,
                         int                    height,
                         gsize                  stride,
                         const TerraDamage     *damage,
                         const TerraDisplayFit *fit,
                         int                    area_width,
                         int                    area_height,
                         int                    scale_factor)
{
  guint64 uploaded = 0;
  int vx, vy, vw, vh;

  glClearColor (0, 0, 0, 1);
  glClear (GL_COLOR_BUFFER_BIT);
  if (pixels == NULL || width <= 0 || height <= 0 || gl->program == 0)
    return 0;

  glBindTexture (GL_TEXTURE_2D, gl->texture);
  glPixelStorei (GL_UNPACK_ALIGNMENT, 4);
  glPixelStorei (GL_UNPACK_ROW_LENGTH, (GLint)(stride / 4));
  if (width != gl->texture_width || height != gl->texture_height)
    {
      glTexImage2D (GL_TEXTURE_2D, 0, GL_RGBA8, width, height, 0, GL_RGBA, GL_UNSIGNED_BYTE, pixels);
      glTexParameteri (GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
      glTexParameteri (GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
      gl->texture_width = width;
      gl->texture_height = height;
      uploaded = (guint64)width * height;
    }
  else
    for (guint i = 0; i < damage->n_rects; i++)
      {
        const TerraDamageRect *r = &damage->rects[i];
        glTexSubImage2D (GL_TEXTURE_2D, 0, r->x, r->y, r->width, r->height, GL_RGBA, GL_UNSIGNED_BYTE,
                         pixels + (gsize)r->y * stride + (gsize)r->x * 4);
        uploaded += (guint64)r->width * r->height;
      }
  glPixelStorei (GL_UNPACK_ROW_LENGTH, 0);
  /* 1:1 stays sharp; scaled, linear */
  glTexParameteri (GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, fit->scale == 1.0 ? GL_NEAREST : GL_LINEAR);
  glTexParameteri (GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, fit->scale == 1.0 ? GL_NEAREST : GL_LINEAR);

  /* the letterbox, in device pixels, GL's origin at the bottom left */
  vx = (int)(fit->x * scale_factor + 0.5);
  vw = (int)(width * fit->scale * scale_factor + 0.5);
  vh = (int)(height * fit->scale * scale_factor + 0.5);
  vy = area_height * scale_factor - (int)(fit->y * scale_factor + 0.5) - vh;
  (void)area_width;
  glViewport (vx, vy, vw, vh);
  glUseProgram (gl->program);
  glUniform1i (glGetUniformLocation (gl->program, "image"), 0);
  glActiveTexture (GL_TEXTURE0);
  glBindVertexArray (gl->vao);
  glDrawArrays (GL_TRIANGLE_STRIP, 0, 4);
  glBindVertexArray (0);
  glUseProgram (0);
  glBindTexture (GL_TEXTURE_2D, 0);
  return uploaded;
}
